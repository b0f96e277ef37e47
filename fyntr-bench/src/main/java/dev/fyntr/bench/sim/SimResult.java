package dev.fyntr.bench.sim;

/**
 * What one burst simulation measured. Times are virtual nanoseconds since the burst.
 *
 * @param scheduler         the scheduler's label
 * @param flows             flows in the burst
 * @param bulkFlows         how many were bulk
 * @param decisions         scheduling decisions made (chunks written)
 * @param makespanNanos     when the last bulk flow finished
 * @param linkUtilisation   bytes written / (makespan × link capacity): below 1 when the link idled with work queued
 * @param jainWindowMin     the smallest Jain's index of bulk flows' bytes over the sliding windows
 * @param jainWindowMean    the mean of those indexes
 * @param windows           how many windows there were (all bulk flows backlogged throughout each)
 * @param windowNanos       the window length: ten rounds of every bulk flow sending one 16 KiB chunk
 * @param jainToFirstDone   Jain's index of bulk flows' bytes from the burst until the first one finished
 * @param maxDeficitBytes   the largest credit a flow held when served; -1 where the scheduler does not expose it
 * @param sparseSamples     sparse chunks that were sent
 * @param sparseP50Nanos    sparse queueing delay (arrival → first byte written), 50th percentile
 * @param sparseP99Nanos    99th percentile
 * @param sparseP999Nanos   99.9th percentile
 * @param sparseMaxNanos    the largest
 * @param firstDoneNanos    completion time of the first bulk flow
 * @param medianDoneNanos   median completion time of bulk flows
 * @param spread            (last − first completion) / last completion: 0 when all finish together
 */
public record SimResult(String scheduler, int flows, int bulkFlows, long decisions, long makespanNanos,
                        double linkUtilisation, double jainWindowMin, double jainWindowMean, int windows,
                        long windowNanos, double jainToFirstDone, long maxDeficitBytes, int sparseSamples,
                        long sparseP50Nanos, long sparseP99Nanos, long sparseP999Nanos, long sparseMaxNanos,
                        long firstDoneNanos, long medianDoneNanos, double spread) {
}
