package io.berth.daemon.dashboard;

import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStreams;
import io.berth.daemon.container.ContainerViews;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.image.ImageService;
import io.berth.daemon.network.NetworkManager;
import io.berth.daemon.swarm.ServiceLogs;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.daemon.volume.VolumeService;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The daemon's services the dashboard reads and acts through: the same objects the Engine API's
 * routes call, so a view shows what {@code docker} shows and an action passes the same checks.
 */
public record DashboardSources(
    Clock clock,
    EventBus events,
    SwarmMembership swarm,
    ServiceLogs serviceLogs,
    ContainerService containers,
    ContainerStreams streams,
    ContainerViews views,
    ImageService images,
    VolumeService volumes,
    NetworkManager networks,
    TaskContainerRemoval taskContainers,
    Supplier<Optional<RepositoryCatalog>> registry) {}
