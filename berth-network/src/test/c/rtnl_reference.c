/*
 * The reference bytes of RtRequestsTest and NlReplyTest: each message built with the kernel's
 * uapi structs (ifinfomsg, ifaddrmsg, rtmsg, nlmsgerr) and macros (NLMSG_ALIGN, RTA_LENGTH,
 * RTA_ALIGN), nesting as iproute2's addattr_nest/addattr_nest_end do. Regenerate with
 *   gcc -o /tmp/rtnl_reference rtnl_reference.c && /tmp/rtnl_reference
 * and paste a changed line into the tests. Host byte order: run it on the machine the tests
 * describe (x86-64/aarch64, little endian).
 */
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/veth.h>
#include <net/if.h>
#include <arpa/inet.h>
static char buf[4096];
static struct nlmsghdr *n;
static void start(int type, int flags){ memset(buf,0,sizeof buf); n=(struct nlmsghdr*)buf; n->nlmsg_len=NLMSG_LENGTH(0); n->nlmsg_type=type; n->nlmsg_flags=flags|NLM_F_REQUEST|NLM_F_ACK; n->nlmsg_seq=1; }
static void *tail(void){ return (char*)n + NLMSG_ALIGN(n->nlmsg_len); }
static void raw(const void *p, int len){ memcpy(tail(), p, len); n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + len; }
static void attr(int type, const void *d, int len){ struct rtattr *a=tail(); a->rta_type=type; a->rta_len=RTA_LENGTH(len); if(len) memcpy(RTA_DATA(a), d, len); n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len); }
static void str(int type, const char *s){ attr(type, s, strlen(s)+1); }
static void u32(int type, unsigned v){ attr(type, &v, 4); }
static struct rtattr *nest(int type){ struct rtattr *a=tail(); attr(type, NULL, 0); return a; }
static void end(struct rtattr *a){ a->rta_len = (char*)tail() - (char*)a; }
static void dump(const char *name){ printf("%s ", name); for(unsigned i=0;i<n->nlmsg_len;i++) printf("%02x", (unsigned char)buf[i]); printf("\n"); }
int main(){
  struct ifinfomsg ifi; struct ifaddrmsg ifa; struct rtmsg rt; unsigned char mac[6]={2,0x42,10,0x58,0,2}; struct in_addr ip, gw;
  inet_pton(AF_INET,"10.88.0.2",&ip); inet_pton(AF_INET,"10.88.0.1",&gw);
  start(RTM_GETLINK,0); memset(&ifi,0,sizeof ifi); raw(&ifi,sizeof ifi); str(IFLA_IFNAME,"eth0"); dump("getLink");
  start(RTM_DELLINK,0); memset(&ifi,0,sizeof ifi); raw(&ifi,sizeof ifi); str(IFLA_IFNAME,"vbabcde1234567"); dump("deleteLink");
  start(RTM_NEWLINK,0); memset(&ifi,0,sizeof ifi); ifi.ifi_flags=IFF_UP; ifi.ifi_change=IFF_UP; raw(&ifi,sizeof ifi); str(IFLA_IFNAME,"lo"); dump("linkUp");
  start(RTM_NEWLINK,NLM_F_CREATE|NLM_F_EXCL); memset(&ifi,0,sizeof ifi); ifi.ifi_flags=IFF_UP; ifi.ifi_change=IFF_UP; raw(&ifi,sizeof ifi);
  str(IFLA_IFNAME,"vb0123456789ab"); u32(IFLA_MASTER,7);
  { struct rtattr *li=nest(IFLA_LINKINFO); str(IFLA_INFO_KIND,"veth"); struct rtattr *d=nest(IFLA_INFO_DATA); struct rtattr *p=nest(VETH_INFO_PEER);
    ifi.ifi_flags=0; ifi.ifi_change=0; raw(&ifi,sizeof ifi); str(IFLA_IFNAME,"eth0"); attr(IFLA_ADDRESS,mac,6); u32(IFLA_NET_NS_FD,42); end(p); end(d); end(li); }
  dump("addVeth");
  start(RTM_NEWLINK,0); memset(&ifi,0,sizeof ifi); raw(&ifi,sizeof ifi); str(IFLA_IFNAME,"vb0123456789ab");
  { struct rtattr *li=nest(IFLA_LINKINFO); str(IFLA_INFO_SLAVE_KIND,"bridge"); struct rtattr *d=nest(IFLA_INFO_SLAVE_DATA); unsigned char on=BRIDGE_MODE_HAIRPIN; attr(IFLA_BRPORT_MODE,&on,1); end(d); end(li); }
  dump("hairpin");
  start(RTM_NEWADDR,NLM_F_CREATE|NLM_F_EXCL); memset(&ifa,0,sizeof ifa); ifa.ifa_family=AF_INET; ifa.ifa_prefixlen=16; ifa.ifa_scope=RT_SCOPE_UNIVERSE; ifa.ifa_index=3; raw(&ifa,sizeof ifa);
  attr(IFA_LOCAL,&ip,4); attr(IFA_ADDRESS,&ip,4); dump("addAddress");
  start(RTM_NEWROUTE,NLM_F_CREATE|NLM_F_EXCL); memset(&rt,0,sizeof rt); rt.rtm_family=AF_INET; rt.rtm_table=RT_TABLE_MAIN; rt.rtm_protocol=RTPROT_BOOT; rt.rtm_scope=RT_SCOPE_UNIVERSE; rt.rtm_type=RTN_UNICAST; raw(&rt,sizeof rt);
  attr(RTA_GATEWAY,&gw,4); u32(RTA_OIF,3); dump("addDefaultRoute");
  /* an acknowledgement refusing request seq 5 with EEXIST, capped, with an extended message */
  { memset(buf,0,sizeof buf); n=(struct nlmsghdr*)buf; n->nlmsg_type=NLMSG_ERROR; n->nlmsg_flags=NLM_F_CAPPED|NLM_F_ACK_TLVS; n->nlmsg_seq=5; n->nlmsg_pid=1234;
    n->nlmsg_len=NLMSG_LENGTH(sizeof(struct nlmsgerr)); struct nlmsgerr *e=NLMSG_DATA(n); e->error=-17; e->msg.nlmsg_len=64; e->msg.nlmsg_type=RTM_NEWLINK; e->msg.nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL; e->msg.nlmsg_seq=5;
    str(NLMSGERR_ATTR_MSG,"Device name taken"); dump("ackEexistCapped"); }
  /* a plain acknowledgement (error 0) of seq 6 */
  { memset(buf,0,sizeof buf); n=(struct nlmsghdr*)buf; n->nlmsg_type=NLMSG_ERROR; n->nlmsg_flags=NLM_F_CAPPED; n->nlmsg_seq=6; n->nlmsg_len=NLMSG_LENGTH(sizeof(struct nlmsgerr));
    struct nlmsgerr *e=NLMSG_DATA(n); e->msg.nlmsg_len=32; e->msg.nlmsg_type=RTM_NEWLINK; e->msg.nlmsg_seq=6; dump("ackOk"); }
  /* RTM_NEWLINK answer for index 9 with an IFLA_IFNAME */
  start(RTM_NEWLINK,0); n->nlmsg_flags=0; n->nlmsg_seq=3; memset(&ifi,0,sizeof ifi); ifi.ifi_index=9; ifi.ifi_flags=IFF_UP; raw(&ifi,sizeof ifi); str(IFLA_IFNAME,"eth0"); dump("newLink9");
}
