/**
 * Swarm mode, beside the engine rather than inside it: the cluster reaches containers, images and
 * networks only through typed interfaces the daemon implements (never Engine API JSON), so a
 * manager's loops can be tested without a daemon and the daemon without a cluster. Each
 * capability has its package (replicated store, CA, dispatcher, orchestrators, scheduler,
 * allocator, agent); loops are level-triggered (observe, diff desired against actual, act).
 */
package io.berth.cluster;
