/**
 * Swarm overlays on this node: the managers' network view made into kernel state (overlay copies
 * and their forwarding, the routing mesh, service VIPs in containers) and service names for the
 * embedded DNS.
 */
package io.berth.daemon.overlay;
