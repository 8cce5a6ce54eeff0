/**
 * Counters the cluster's loops and store keep for metrics, read by the daemon at scrape time;
 * no metrics library here (decision 0041).
 */
package io.berth.cluster.metrics;
