package io.berth.build.java;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.reflect.AccessFlag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the class to run when the user did not name one, as Jib does: the one class among the
 * project's compiled classes with {@code public static void main(String[])}. Reads class files
 * with the JDK's class-file API rather than loading them, so nothing of the project runs.
 */
public final class MainClassFinder {
  private MainClassFinder() {}

  public static String find(Path classes) {
    List<String> found = new ArrayList<>();
    if (classes != null && Files.isDirectory(classes)) {
      try (Stream<Path> s = Files.walk(classes)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
          ClassModel m = ClassFile.of().parse(Files.readAllBytes(p));
          if (m.flags().has(AccessFlag.PUBLIC) && hasMain(m)) {
            found.add(m.thisClass().asInternalName().replace('/', '.'));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading classes in " + classes, e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a class file in " + classes + " cannot be read: " + e.getMessage(), e);
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("no class with public static void main(String[]) in " + classes
          + "; set <mainClass> in the plugin configuration");
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException("several classes have a main method " + found
          + "; choose one with <mainClass> in the plugin configuration");
    }
    return found.getFirst();
  }

  private static boolean hasMain(ClassModel m) {
    for (MethodModel method : m.methods()) {
      if (method.methodName().equalsString("main") && method.methodType().equalsString("([Ljava/lang/String;)V")
          && method.flags().has(AccessFlag.STATIC) && method.flags().has(AccessFlag.PUBLIC)) {
        return true;
      }
    }
    return false;
  }
}
