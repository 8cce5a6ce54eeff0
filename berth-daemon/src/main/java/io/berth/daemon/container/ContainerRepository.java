package io.berth.daemon.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.ErrorText;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.store.meta.MetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers by id and by name, backed by the metadata store. Lookups accept what docker
 * accepts: a full id, a unique id prefix, or a name with or without its leading slash.
 */
public final class ContainerRepository {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerRepository.class);
  private static final String BUCKET = "containers";
  private static final Pattern NAME = Pattern.compile("/?[a-zA-Z0-9][a-zA-Z0-9_.-]+");
  private final MetadataStore store;
  private final Map<String, Container> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByName = new ConcurrentHashMap<>();
  private final UnsavedStates unsaved = new UnsavedStates(this);

  public ContainerRepository(MetadataStore store) {
    this.store = store;
    for (String key : store.keys(BUCKET)) {
      try {
        Container c = RecordJson.MAPPER.readValue(store.get(BUCKET, key).orElseThrow(), Container.class);
        byId.put(c.id, c);
        idByName.put(c.name, c.id);
      } catch (IOException | RuntimeException e) {
        LOG.warn("skipping unreadable container record {}: {}", key, e.toString());
      }
    }
  }

  /** Validates a user-chosen name as docker does ({@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}). */
  public static String checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new InvalidArgumentException("Invalid container name (" + name
          + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
    return name.startsWith("/") ? name.substring(1) : name;
  }

  /**
   * Stores the record, then makes it visible under its id and name; a taken name is a conflict
   * naming the holder. When the write fails (a full disk) nothing is visible.
   */
  public synchronized void add(Container c) {
    String holder = idByName.get(c.name);
    if (holder != null) {
      throw new ConflictException("Conflict. The container name \"/" + c.name
          + "\" is already in use by container \"" + holder
          + "\". You have to remove (or rename) that container to be able to reuse that name.");
    }
    write(c);
    idByName.put(c.name, c.id);
    byId.put(c.id, c);
  }

  /**
   * Persists a change already made to a container in memory. When the write fails (a full disk)
   * the change stays, the failure is thrown, and the write is tried again later ({@link
   * UnsavedStates}) so that the record catches up with what is known.
   */
  public void save(Container c) {
    try {
      write(c);
      unsaved.saved(c);
    } catch (RuntimeException e) {
      unsaved.retryLater(c, e);
      throw e;
    }
  }

  /**
   * As {@link #save} for a change that has already happened (a start, an exit): the failure is
   * logged, not thrown, so that what waits on the change (docker wait, docker run, --rm) is still
   * answered; the write is tried again later, and at the next start the runtime's exit files
   * tell the rest.
   */
  public void saveOrRetry(Container c) {
    try {
      save(c);
    } catch (RuntimeException e) {
      LOG.warn("container {}: its state is kept in memory and will be written when the disk allows: {}",
          c.id, ErrorText.of(e));
    }
  }

  private void write(Container c) {
    try {
      store.put(BUCKET, c.id, RecordJson.MAPPER.writeValueAsBytes(c));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code c} is still the container recorded under its id (not removed meanwhile). */
  boolean holds(Container c) {
    return byId.get(c.id) == c;
  }

  public synchronized void rename(Container c, String newName) {
    String holder = idByName.get(newName);
    if (holder != null && !holder.equals(c.id)) {
      throw new ConflictException("Conflict. The container name \"/" + newName
          + "\" is already in use by container \"" + holder
          + "\". You have to remove (or rename) that container to be able to reuse that name.");
    }
    String old = c.name;
    c.name = newName;
    try {
      write(c); // written first: a rename the disk refuses did not happen
    } catch (RuntimeException e) {
      c.name = old;
      throw e;
    }
    idByName.remove(old);
    idByName.put(newName, c.id);
  }

  public synchronized void remove(Container c) {
    store.delete(BUCKET, c.id);
    byId.remove(c.id);
    idByName.remove(c.name, c.id);
    unsaved.saved(c);
  }

  public boolean nameTaken(String name) {
    return idByName.containsKey(name);
  }

  public Container get(String ref) {
    if (ref == null || ref.isEmpty()) {
      throw new NotFoundException("No such container: " + ref);
    }
    String name = ref.startsWith("/") ? ref.substring(1) : ref;
    Container c = byId.get(ref);
    if (c != null) {
      return c;
    }
    String id = idByName.get(name);
    if (id != null && byId.containsKey(id)) {
      return byId.get(id);
    }
    Container found = null;
    for (Container x : byId.values()) {
      if (x.id.startsWith(ref)) {
        if (found != null) {
          throw new InvalidArgumentException("multiple IDs found with provided prefix: " + ref);
        }
        found = x;
      }
    }
    if (found == null) {
      throw new NotFoundException("No such container: " + ref);
    }
    return found;
  }

  public List<Container> all() {
    return new ArrayList<>(byId.values());
  }
}
