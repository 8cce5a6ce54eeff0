/**
 * The allocator (decision 0037): the leader's loop that gives cluster networks their subnet and
 * VXLAN id, services their virtual IPs and published ports, tasks and nodes their addresses, and
 * hands allocated tasks to the scheduler (new to pending). Level-triggered like the orchestrators:
 * each pass rebuilds what is taken from the store ({@link io.berth.cluster.allocator.Allocations})
 * and writes what is missing in one versioned batch, so it is the one writer of these fields and a
 * new leader needs nothing but the store.
 */
package io.berth.cluster.allocator;
