package io.berth.it;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, checked on the compiled classes of every module (berth-it sees them
 * all; decision 0025): no package depends on itself through others, and no lower layer reaches
 * a higher one (os &lt;- stores &lt;- services &lt;- api &lt;- the daemon's wiring). Each module's
 * cycles are their own test, so a failure names the module; the last cycle test covers all of
 * {@code io.berth}, modules added later included. A unit test: no daemon is started.
 */
class ArchitectureTest {
  /** Every production class of Berth, read once: the test classes (this one too) are left out. */
  private static final class Classes {
    static final JavaClasses BERTH = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.berth");
  }

  /** The OS layer: the code that makes syscalls and runs host tools. */
  private static final String[] OS = {"io.berth.store.os..", "io.berth.network.netlink.."};

  @Test
  void daemonPackagesHaveNoCycles() {
    noCycles("io.berth.daemon..");
  }

  @Test
  void storePackagesHaveNoCycles() {
    noCycles("io.berth.store..");
  }

  @Test
  void registryPackagesHaveNoCycles() {
    noCycles("io.berth.registry..");
  }

  @Test
  void cliPackagesHaveNoCycles() {
    noCycles("io.berth.cli..");
  }

  @Test
  void runtimePackagesHaveNoCycles() {
    noCycles("io.berth.runtime..");
  }

  @Test
  void networkPackagesHaveNoCycles() {
    noCycles("io.berth.network..");
  }

  @Test
  void buildPackagesHaveNoCycles() {
    noCycles("io.berth.build..");
  }

  @Test
  void libraryPackagesHaveNoCycles() {
    noCycles("io.berth.oci..", "io.berth.errdefs..", "io.berth.http..", "io.berth.distribution..",
        "io.berth.compose..", "io.berth.maven..", "io.berth.client..");
  }

  @Test
  void clusterPackagesHaveNoCycles() {
    noCycles("io.berth.cluster..");
  }

  /**
   * Swarm mode reaches the engine only through interfaces of its own (issue 14): berth-cluster's
   * classes use the cluster's own packages, the OCI model and errors, the stores and networks, the
   * JDK and the libraries listed here; never the daemon, the runtime, the API or the CLI.
   */
  @Test
  void clusterDependsOnlyOnItsFoundations() {
    classes().that().resideInAPackage("io.berth.cluster..")
        .should().onlyDependOnClassesThat().resideInAnyPackage(
            "io.berth.cluster..", "io.berth.oci..", "io.berth.errdefs..", "io.berth.store..", "io.berth.network..",
            "java..", "javax..", "com.fasterxml.jackson..", "org.slf4j..",
            "org.apache.ratis..", "org.bouncycastle..", "io.grpc..", "com.google.protobuf..")
        .check(Classes.BERTH);
  }

  @Test
  void noPackageCyclesAnywhere() {
    noCycles("io.berth..");
  }

  @Test
  void noLayerReachesUp() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("os").definedBy(OS)
        .layer("stores").definedBy(resideInAnyPackage("io.berth.store..", "io.berth.runtime..", "io.berth.network..")
            .and(not(resideInAnyPackage(OS))))
        .layer("services").definedBy(resideInAPackage("io.berth.daemon.*..")
            .and(not(resideInAPackage("io.berth.daemon.api.."))))
        .layer("api").definedBy("io.berth.daemon.api..")
        .layer("daemon").definedBy("io.berth.daemon")
        .whereLayer("daemon").mayNotBeAccessedByAnyLayer()
        .whereLayer("api").mayOnlyBeAccessedByLayers("daemon")
        .whereLayer("services").mayOnlyBeAccessedByLayers("api", "daemon")
        .whereLayer("stores").mayOnlyBeAccessedByLayers("services", "api", "daemon")
        .whereLayer("os").mayOnlyBeAccessedByLayers("stores", "services", "api", "daemon")
        .check(Classes.BERTH);
  }

  /**
   * Routes translate: they reach a container through the services' operations, never through
   * the service's own records, paths, log files or the runtime's sockets (decision 0026), and
   * images, volumes and networks through their services, never the stores those keep (the
   * value types the services return, e.g. {@code Image}, are fine).
   */
  @Test
  void routesReachNoServiceInternals() {
    noClasses().that().resideInAPackage("io.berth.daemon.api..")
        .should().dependOnClassesThat().haveFullyQualifiedName("io.berth.daemon.container.ContainerRepository")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.daemon.container.ContainerPaths")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.daemon.container.ContainerLogging")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.runtime.AttachChannel")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.distribution.RegistryClient")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.distribution.Pusher")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.store.image.ImageReader")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.store.image.ImageStore")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.store.snapshot.Snapshotter")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.store.content.ContentStore")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.store.meta.MetadataStore")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.daemon.volume.VolumeStore")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.daemon.network.NetworkService")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.runtime.ContainerRuntime")
        .check(Classes.BERTH);
  }

  /**
   * The cluster endpoints act through the node's membership and the control use cases
   * ({@code io.berth.cluster.control}), never on the replicated store, the CA or the cluster
   * state's writes themselves, so every user write gets the same checks whoever serves it.
   */
  @Test
  void routesReachTheClusterOnlyThroughItsUseCases() {
    noClasses().that().resideInAPackage("io.berth.daemon.api..")
        .should().dependOnClassesThat().resideInAnyPackage("io.berth.cluster.raft..", "io.berth.cluster.ca..",
            "io.berth.cluster.scheduler..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.cluster.state.ClusterState$Batch")
        .check(Classes.BERTH);
  }

  /**
   * The dashboard's actions are the API's: it reaches the cluster through the same use cases, never
   * the replicated store, the CA, the scheduler or the cluster state's writes (issue 17).
   */
  @Test
  void theDashboardReachesTheClusterOnlyThroughItsUseCases() {
    noClasses().that().resideInAPackage("io.berth.daemon.dashboard..")
        .should().dependOnClassesThat().resideInAnyPackage("io.berth.cluster.raft..", "io.berth.cluster.ca..",
            "io.berth.cluster.scheduler..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.berth.cluster.state.ClusterState$Batch")
        .check(Classes.BERTH);
  }

  /** Each package of the classes under {@code packages} is one slice; no slice may reach itself. */
  private static void noCycles(String... packages) {
    slices().matching("io.berth.(**)").should().beFreeOfCycles()
        .check(Classes.BERTH.that(resideInAnyPackage(packages)));
  }
}
