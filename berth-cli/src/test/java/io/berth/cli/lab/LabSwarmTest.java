package io.berth.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The swarm requests {@code lab up} sends each node: docker's, on the node's lab address and port 2377. */
class LabSwarmTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void initIsDockersSwarmInitOnTheLabAddress() throws Exception {
    // docker swarm init --advertise-addr 10.77.1.11:2377 --listen-addr 10.77.1.11:2377
    assertThat(LabSwarm.initRequest("10.77.1.11")).isEqualTo(JSON.readTree("""
        {"ListenAddr":"10.77.1.11:2377","AdvertiseAddr":"10.77.1.11:2377","DataPathAddr":"","DataPathPort":0,
         "ForceNewCluster":false,"Spec":{"Labels":null,"Orchestration":{},"Raft":{"ElectionTick":0,"HeartbeatTick":0},
         "Dispatcher":{},"CAConfig":{},"TaskDefaults":{},"EncryptionConfig":{"AutoLockManagers":false}},
         "AutoLockManagers":false,"Availability":"","DefaultAddrPool":null,"SubnetSize":24}"""));
  }

  @Test
  void joinNamesTheFirstNodeAndTheToken() throws Exception {
    // docker swarm join --token T --advertise-addr 10.77.1.12:2377 --listen-addr 10.77.1.12:2377 10.77.1.11:2377
    assertThat(LabSwarm.joinRequest("10.77.1.12", "10.77.1.11:2377", "SWMTKN-1-x")).isEqualTo(JSON.readTree("""
        {"ListenAddr":"10.77.1.12:2377","AdvertiseAddr":"10.77.1.12:2377","DataPathAddr":"",
         "RemoteAddrs":["10.77.1.11:2377"],"JoinToken":"SWMTKN-1-x","Availability":""}"""));
  }
}
