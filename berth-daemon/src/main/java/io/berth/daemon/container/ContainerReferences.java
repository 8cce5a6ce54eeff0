package io.berth.daemon.container;

import io.berth.daemon.network.NetworkMembers;
import io.berth.daemon.network.NetworkRecord;
import io.berth.daemon.volume.VolumeUsers;
import io.berth.network.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * The containers' answer to who uses a network or a volume, for the network and volume
 * use-cases (removal refused while in use, prune, inspect, dangling filters, disk usage), which
 * live below this package and ask through their own small interfaces.
 */
public final class ContainerReferences implements NetworkMembers, VolumeUsers {
  private final ContainerRepository repo;
  private final ContainerNetworks networks;

  public ContainerReferences(ContainerRepository repo, ContainerNetworks networks) {
    this.repo = repo;
    this.networks = networks;
  }

  @Override
  public List<Member> attached(NetworkRecord network) {
    List<Member> out = new ArrayList<>();
    for (Container c : repo.all()) {
      Endpoint ep = networks.endpoint(c, network.name());
      if (ep != null) {
        out.add(new Member(c.id, c.name, ep));
      }
    }
    return out;
  }

  @Override
  public List<String> users(String volume) {
    return repo.all().stream().filter(c -> MountPlanner.volumeNames(c).contains(volume))
        .map(c -> c.id).sorted().toList();
  }
}
