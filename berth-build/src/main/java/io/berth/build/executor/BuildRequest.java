package io.berth.build.executor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a client asked to build.
 *
 * @param context     the unpacked build context
 * @param dockerfile  its path in the context; null or empty means {@code Dockerfile}
 * @param target      the stage to build (--target), or null for the last
 * @param networkMode RUN's network unless a step says otherwise: bridge (the default), host or none
 */
public record BuildRequest(Path context, String dockerfile, Map<String, String> buildArgs, String target,
    boolean noCache, Map<String, String> labels, List<String> tags, String networkMode) {}
