package io.berth.cluster.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class TaskStateTest {
  @Test
  void movesForwardThroughTheLifecycleAndMaySkipSteps() {
    TaskState s = TaskState.NEW;
    for (TaskState next : new TaskState[] {TaskState.PENDING, TaskState.ASSIGNED, TaskState.ACCEPTED,
        TaskState.PREPARING, TaskState.STARTING, TaskState.RUNNING, TaskState.COMPLETE, TaskState.REMOVE}) {
      s = s.moveTo(next);
    }
    assertThat(s).isEqualTo(TaskState.REMOVE);
    assertThat(TaskState.PENDING.canMoveTo(TaskState.REJECTED)).isTrue();
    assertThat(TaskState.ASSIGNED.canMoveTo(TaskState.FAILED)).isTrue();
    assertThat(TaskState.RUNNING.canMoveTo(TaskState.ORPHANED)).isTrue();
  }

  @Test
  void neverMovesBackAndNamesBothStates() {
    assertThat(TaskState.RUNNING.canMoveTo(TaskState.PENDING)).isFalse();
    assertThatThrownBy(() -> TaskState.RUNNING.moveTo(TaskState.PENDING))
        .isInstanceOf(ConflictException.class)
        .hasMessage("task state cannot move from running to pending");
    assertThatThrownBy(() -> TaskState.ORPHANED.moveTo(TaskState.REMOVE))
        .hasMessage("task state cannot move from orphaned to remove");
  }

  @Test
  void aFinishedTaskOnlyGoesToRemoveOrOrphaned() {
    for (TaskState finished : TaskState.values()) {
      if (!finished.isFinished()) {
        continue;
      }
      assertThat(finished.canMoveTo(TaskState.REMOVE)).as(finished + " -> remove").isTrue();
      assertThat(finished.canMoveTo(TaskState.ORPHANED)).as(finished + " -> orphaned").isTrue();
      for (TaskState other : TaskState.values()) {
        if (other.isFinished() && other != finished) {
          assertThat(finished.canMoveTo(other)).as(finished + " -> " + other).isFalse();
        }
      }
    }
  }

  @Test
  void stayingPutIsAllowedForANewMessage() {
    for (TaskState s : TaskState.values()) {
      assertThat(s.canMoveTo(s)).isTrue();
    }
  }

  @Test
  void parsesDockersNamesAndRefusesOthersByName() {
    assertThat(TaskState.parse("running")).isEqualTo(TaskState.RUNNING);
    assertThatThrownBy(() -> TaskState.parse("sleeping"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("invalid task state 'sleeping': expected one of [new, allocated, pending");
  }

  @Test
  void taskAssignmentMovesStatusAndRefusesAnAssignedTaskBeingAssignedAgainAfterRunning() {
    Task t = new Task("t1", null, null, null, TaskSpec.of(ContainerSpec.of("busybox")), "s1", 1, null,
        new TaskStatus(null, TaskState.PENDING, null, null), null, null);
    Task placed = t.assignedTo("n1", java.time.Instant.EPOCH);
    assertThat(placed.nodeId()).isEqualTo("n1");
    assertThat(placed.status().state()).isEqualTo(TaskState.ASSIGNED);
    assertThat(placed.status().message()).isEqualTo("scheduler assigned task to node");
    Task running = placed.withStatus(new TaskStatus(null, TaskState.RUNNING, null, null));
    assertThatThrownBy(() -> running.assignedTo("n2", java.time.Instant.EPOCH))
        .hasMessage("task state cannot move from running to assigned");
    assertThatThrownBy(() -> running.withDesiredState(TaskState.SHUTDOWN).withDesiredState(TaskState.RUNNING))
        .hasMessage("task state cannot move from shutdown to running");
  }
}
