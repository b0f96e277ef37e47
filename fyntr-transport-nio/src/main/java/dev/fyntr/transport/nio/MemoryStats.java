package dev.fyntr.transport.nio;

/**
 * The proxy's memory budget ({@link FyntrProxyBuilder#maxBufferMemory}) and its use. Immutable.
 *
 * @param limitBytes     the budget: the most memory held in buffers at once
 * @param usedBytes      held now (queued uploads, chunks held for slow clients, handshake heads)
 * @param peakBytes      the most held at once since start
 * @param readersWaiting connections whose reading is paused until memory is free again
 * @param refusals       buffer requests refused for want of budget since start (each pauses one read)
 */
public record MemoryStats(long limitBytes, long usedBytes, long peakBytes, int readersWaiting, long refusals) {
}
