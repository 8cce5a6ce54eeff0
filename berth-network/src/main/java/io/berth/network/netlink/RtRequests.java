package io.berth.network.netlink;

/**
 * The rtnetlink requests Berth sends, built as iproute2 builds the same commands (numbers from
 * the uapi headers {@code linux/rtnetlink.h}, {@code if_link.h}, {@code if_addr.h},
 * {@code veth.h}). Links are named rather than indexed where the kernel allows it, which spares
 * a lookup.
 */
final class RtRequests {
  static final int RTM_NEWLINK = 16;
  static final int RTM_DELLINK = 17;
  static final int RTM_GETLINK = 18;
  static final int RTM_NEWADDR = 20;
  static final int RTM_NEWROUTE = 24;

  static final int AF_INET = 2;
  static final int IFF_UP = 0x1;
  static final int IFLA_ADDRESS = 1;
  static final int IFLA_IFNAME = 3;
  static final int IFLA_MTU = 4;
  static final int IFLA_MASTER = 10;
  static final int IFLA_LINKINFO = 18;
  static final int IFLA_NET_NS_FD = 28;
  static final int IFLA_INFO_KIND = 1;
  static final int IFLA_INFO_DATA = 2;
  static final int IFLA_INFO_SLAVE_KIND = 4;
  static final int IFLA_INFO_SLAVE_DATA = 5;
  static final int IFLA_BRPORT_MODE = 4;
  static final int BRIDGE_MODE_HAIRPIN = 1;
  static final int VETH_INFO_PEER = 1;
  static final int IFA_ADDRESS = 1;
  static final int IFA_LOCAL = 2;
  static final int RTA_OIF = 4;
  static final int RTA_GATEWAY = 5;
  static final int RT_TABLE_MAIN = 254;
  static final int RTPROT_BOOT = 3;
  static final int RT_SCOPE_UNIVERSE = 0;
  static final int RTN_UNICAST = 1;

  private RtRequests() {}

  /** {@code ip link show dev NAME}: answered with the link (its index) or ENODEV. */
  static NlRequest getLink(String name) {
    return new NlRequest(RTM_GETLINK, 0, "finding link " + name).ifinfo(0, 0, 0).string(IFLA_IFNAME, name);
  }

  /** {@code ip link del dev NAME} (a veth takes its peer with it). */
  static NlRequest deleteLink(String name) {
    return new NlRequest(RTM_DELLINK, 0, "deleting link " + name).ifinfo(0, 0, 0).string(IFLA_IFNAME, name);
  }

  /** Deletes the link with index {@code index} (named {@code name} when it was looked up). */
  static NlRequest deleteLink(int index, String name) {
    return new NlRequest(RTM_DELLINK, 0, "deleting link " + name + " (index " + index + ")").ifinfo(index, 0, 0);
  }

  /** {@code ip link set NAME up}. */
  static NlRequest linkUp(String name) {
    return new NlRequest(RTM_NEWLINK, 0, "setting " + name + " up").ifinfo(0, IFF_UP, IFF_UP).string(IFLA_IFNAME, name);
  }

  /** {@code ip link set NAME mtu MTU}. */
  static NlRequest linkMtu(String name, int mtu) {
    return new NlRequest(RTM_NEWLINK, 0, "setting the MTU of " + name + " to " + mtu)
        .ifinfo(0, 0, 0).string(IFLA_IFNAME, name).u32(IFLA_MTU, mtu);
  }

  /**
   * A veth pair whose host end {@code name} is up and enslaved to the bridge with index
   * {@code master}, and whose peer is created directly in the namespace open as
   * {@code peerNsFd}, already named {@code peerName}, with MAC {@code peerMac}: what {@code ip
   * link add NAME up master BR type veth peer name ETH netns NS address MAC} does. The peer
   * stays down: asking for it up here fails with ENOTCONN (the kernel opens it before the pair
   * is joined), so it is set up from inside the namespace.
   */
  static NlRequest addVeth(String name, int master, String peerName, byte[] peerMac, int peerNsFd, String nsName) {
    return addVeth(name, master, peerName, peerMac, peerNsFd, nsName, 0);
  }

  /**
   * As above with both ends' MTU set to {@code mtu} (0: the kernel's default), for links into a
   * bridge whose other port carries less (a VXLAN device: 50 bytes of encapsulation).
   */
  static NlRequest addVeth(String name, int master, String peerName, byte[] peerMac, int peerNsFd, String nsName,
      int mtu) {
    NlRequest r = new NlRequest(RTM_NEWLINK, NlRequest.NLM_F_CREATE | NlRequest.NLM_F_EXCL,
        "adding veth " + name + " (peer " + peerName + " in " + nsName + ")")
        .ifinfo(0, IFF_UP, IFF_UP).string(IFLA_IFNAME, name).u32(IFLA_MASTER, master);
    if (mtu > 0) {
      r.u32(IFLA_MTU, mtu);
    }
    int info = r.begin(IFLA_LINKINFO);
    r.string(IFLA_INFO_KIND, "veth");
    int data = r.begin(IFLA_INFO_DATA);
    int peer = r.begin(VETH_INFO_PEER);
    r.ifinfo(0, 0, 0).string(IFLA_IFNAME, peerName).attr(IFLA_ADDRESS, peerMac).u32(IFLA_NET_NS_FD, peerNsFd);
    if (mtu > 0) {
      r.u32(IFLA_MTU, mtu);
    }
    return r.end(peer).end(data).end(info);
  }

  /**
   * Hairpin mode on bridge port {@code name} ({@code ip link set NAME type bridge_slave hairpin
   * on}): the bridge may send a frame back out the port it came in on.
   */
  static NlRequest hairpin(String name) {
    NlRequest r = new NlRequest(RTM_NEWLINK, 0, "setting hairpin mode on " + name)
        .ifinfo(0, 0, 0).string(IFLA_IFNAME, name);
    int info = r.begin(IFLA_LINKINFO);
    r.string(IFLA_INFO_SLAVE_KIND, "bridge");
    int data = r.begin(IFLA_INFO_SLAVE_DATA);
    r.u8(IFLA_BRPORT_MODE, BRIDGE_MODE_HAIRPIN);
    return r.end(data).end(info);
  }

  /** {@code ip addr add ADDRESS/PREFIX dev IF} (the kernel adds the subnet's route). */
  static NlRequest addAddress(int index, byte[] address, int prefix, String ifName) {
    return new NlRequest(RTM_NEWADDR, NlRequest.NLM_F_CREATE | NlRequest.NLM_F_EXCL,
        "adding address " + dotted(address) + "/" + prefix + " to " + ifName)
        .ifaddr(AF_INET, prefix, RT_SCOPE_UNIVERSE, index).attr(IFA_LOCAL, address).attr(IFA_ADDRESS, address);
  }

  /** {@code ip route add default via GATEWAY dev IF}. */
  static NlRequest addDefaultRoute(int index, byte[] gateway, String ifName) {
    return new NlRequest(RTM_NEWROUTE, NlRequest.NLM_F_CREATE | NlRequest.NLM_F_EXCL,
        "adding default route via " + dotted(gateway) + " dev " + ifName)
        .rtmsg(AF_INET, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST)
        .attr(RTA_GATEWAY, gateway).u32(RTA_OIF, index);
  }

  static String dotted(byte[] a) {
    return (a[0] & 255) + "." + (a[1] & 255) + "." + (a[2] & 255) + "." + (a[3] & 255);
  }
}
