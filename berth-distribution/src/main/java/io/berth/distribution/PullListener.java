package io.berth.distribution;

/** Progress of a pull, per layer id (short digest), as docker's JSON progress stream shows it. */
@FunctionalInterface
public interface PullListener {
  void progress(String id, String status, long current, long total);
}
