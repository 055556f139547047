package io.tollgate.webhooks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits of webhook delivery and intake on one node (environment variables in application.properties,
 * listed in README).
 *
 * @param timeoutMillis          a delivery succeeds on a 2xx within this time (the issue: 15 s)
 * @param connectTimeoutMillis   TCP (and tunnel) connect limit, within the timeout
 * @param concurrency            deliveries in flight at once on this node
 * @param claimBatch             deliveries claimed per query
 * @param pollMillis             the safety net: how often a node looks for due deliveries unwoken (commits wake every node: see DueDeliveries)
 * @param leaseSeconds           a claimed delivery is due again after this, should its node die mid-delivery
 * @param resultBatch            attempt results written per transaction
 * @param resultQueueMax         attempt results waiting to be written, at most (a full queue holds sending back)
 * @param allowedHosts           host names or IP addresses exempt from the SSRF check (tests, local development)
 * @param disableAfterDays       an endpoint failing every attempt this long is disabled
 * @param maxRetryAfterSeconds   the longest Retry-After honoured
 * @param responseExcerptBytes   how much of an answer the attempt log keeps
 * @param retentionDays          messages, deliveries and attempts older than this are deleted; so are inbound events
 * @param maxEndpointsPerOrganization endpoints (and inbound sources) an organization may have
 * @param inboundWorkers         inbound events processed at once on this node
 * @param inboundPollMillis      how often the inbound processor looks for work
 * @param inboundMaxAttempts     processing attempts of an inbound event before it is failed
 * @param notifyIntervalMillis   at most one NOTIFY per this time per node tells the other nodes that deliveries are due (0: one per commit)
 */
@ConfigurationProperties("tollgate.webhooks")
record WebhookProperties(long timeoutMillis, long connectTimeoutMillis, int concurrency, int claimBatch, long pollMillis,
                         long leaseSeconds, int resultBatch, String allowedHosts, int disableAfterDays, long maxRetryAfterSeconds,
                         int responseExcerptBytes, int retentionDays, int maxEndpointsPerOrganization, int inboundWorkers,
                         long inboundPollMillis, int inboundMaxAttempts, long notifyIntervalMillis, int resultQueueMax) {

    WebhookProperties {
        require(timeoutMillis >= 100 && timeoutMillis <= 60_000, "tollgate.webhooks.timeout-millis must be 100 to 60000");
        require(connectTimeoutMillis >= 100 && connectTimeoutMillis <= timeoutMillis,
                "tollgate.webhooks.connect-timeout-millis must be 100 to the timeout");
        require(concurrency >= 1 && concurrency <= 4096, "tollgate.webhooks.concurrency must be 1 to 4096");
        require(claimBatch >= 1 && claimBatch <= 1000, "tollgate.webhooks.claim-batch must be 1 to 1000");
        // Up to an hour: with wake-ups on commit the poll only catches what no wake-up covers (retries coming due, a lost NOTIFY).
        require(pollMillis >= 10 && pollMillis <= 3_600_000, "tollgate.webhooks.poll-millis must be 10 to 3600000");
        // A lease shorter than an attempt could hand a delivery to a second node while the first still waits for the answer.
        require(leaseSeconds * 1000 >= timeoutMillis + 2_000 && leaseSeconds <= 3_600,
                "tollgate.webhooks.lease-seconds must exceed the timeout by 2 seconds, and be at most 3600");
        require(resultBatch >= 1 && resultBatch <= 10_000, "tollgate.webhooks.result-batch must be 1 to 10000");
        require(disableAfterDays >= 1 && disableAfterDays <= 365, "tollgate.webhooks.disable-after-days must be 1 to 365");
        require(maxRetryAfterSeconds >= 1 && maxRetryAfterSeconds <= 604_800, "tollgate.webhooks.max-retry-after-seconds must be 1 to 604800");
        require(responseExcerptBytes >= 0 && responseExcerptBytes <= 65_536, "tollgate.webhooks.response-excerpt-bytes must be 0 to 65536");
        require(retentionDays >= 1, "tollgate.webhooks.retention-days must be positive");
        require(maxEndpointsPerOrganization >= 1 && maxEndpointsPerOrganization <= 1_000,
                "tollgate.webhooks.max-endpoints-per-organization must be 1 to 1000");
        require(inboundWorkers >= 1 && inboundWorkers <= 256, "tollgate.webhooks.inbound-workers must be 1 to 256");
        require(inboundPollMillis >= 10 && inboundPollMillis <= 60_000, "tollgate.webhooks.inbound-poll-millis must be 10 to 60000");
        require(inboundMaxAttempts >= 1 && inboundMaxAttempts <= 100, "tollgate.webhooks.inbound-max-attempts must be 1 to 100");
        require(resultQueueMax >= 1 && resultQueueMax <= 100_000, "tollgate.webhooks.result-queue-max must be 1 to 100000");
        require(notifyIntervalMillis >= 0 && notifyIntervalMillis <= 10_000, "tollgate.webhooks.notify-interval-millis must be 0 to 10000");
    }

    /** The allowlist, lower case; empty when unset. */
    List<String> allowedHostList() {
        if (allowedHosts == null || allowedHosts.isBlank()) return List.of();
        return Arrays.stream(allowedHosts.split(",")).map(String::strip).filter(h -> !h.isEmpty())
                .map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
