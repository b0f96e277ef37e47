package dev.fyntr.transport.nio.internal.threat;

import dev.fyntr.transport.nio.ThreatFeedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The loaded threat feeds: domains (each with its subdomains) and IP ranges, and the file each came from.
 * Immutable after {@link #load}; lookups are O(labels) for names and O(prefix lengths × log n) for addresses.
 */
final class ThreatFeeds {

    private static final Logger LOG = LoggerFactory.getLogger(ThreatFeeds.class);

    /** How a feed file's lines were counted while loading. */
    record FileReport(Path file, long lines, long domains, long ranges, long duplicates, long skipped,
                      long firstSkippedLine, String firstSkippedReason) {
    }

    private final List<Path> files;
    private final DomainSet domains;
    private final IpRuleSet ranges;
    private final List<FileReport> reports;
    private final long loadNanos;

    private ThreatFeeds(List<Path> files, DomainSet domains, IpRuleSet ranges, List<FileReport> reports,
                        long loadNanos) {
        this.files = List.copyOf(files);
        this.domains = domains;
        this.ranges = ranges;
        this.reports = List.copyOf(reports);
        this.loadNanos = loadNanos;
    }

    /**
     * Reads every file (UTF-8; undecodable bytes make their line unsupported). Logs one warning per file that
     * had unsupported rules, saying how many and the first one's line.
     *
     * @throws ThreatFeedException naming the file, if one cannot be read; naming every file, if together they hold no
     *                     usable entry
     */
    static ThreatFeeds load(List<Path> files) throws ThreatFeedException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no threat feed file given");
        }
        if (files.size() > 0xFFFF) {
            throw new IllegalArgumentException("at most 65535 threat feed files: " + files.size());
        }
        long start = System.nanoTime();
        DomainSet domains = new DomainSet();
        IpRuleSet.Builder ranges = new IpRuleSet.Builder();
        List<FileReport> reports = new ArrayList<>();
        for (int source = 0; source < files.size(); source++) {
            FileReport report = loadFile(files.get(source), source, domains, ranges);
            reports.add(report);
            if (report.skipped() > 0) {
                LOG.warn("threat feed {}: skipped {} unsupported rule(s), the first at line {} ({}); supported: "
                                + "domain, IP, CIDR, ||domain^, hosts-file lines", report.file(), report.skipped(),
                        report.firstSkippedLine(), report.firstSkippedReason());
            }
        }
        domains.trim();
        IpRuleSet built = ranges.build();
        if (domains.size() == 0 && built.size() == 0) {
            long lines = reports.stream().mapToLong(FileReport::lines).sum();
            long skipped = reports.stream().mapToLong(FileReport::skipped).sum();
            throw new ThreatFeedException("threat feed " + (files.size() == 1 ? "file " : "files ")
                    + files.stream().map(Path::toString).collect(Collectors.joining(", "))
                    + (files.size() == 1 ? " holds" : " hold") + " no usable entry (" + lines + " lines, " + skipped
                    + " unsupported); expected one domain, IP, CIDR or ||domain^ per line", null);
        }
        return new ThreatFeeds(files, domains, built, reports, System.nanoTime() - start);
    }

    private static FileReport loadFile(Path file, int source, DomainSet domains, IpRuleSet.Builder ranges)
            throws ThreatFeedException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        Counter counter = new Counter(source, domains, ranges);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder),
                1 << 16)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                counter.line++;
                if (line.indexOf('\uFFFD') >= 0) {
                    counter.unsupported("not valid UTF-8");
                } else {
                    FeedLineParser.parse(line, counter);
                }
            }
        } catch (NoSuchFileException e) {
            throw new ThreatFeedException("cannot read threat feed file " + file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new ThreatFeedException("cannot read threat feed file " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new ThreatFeedException("cannot read threat feed file " + file + ": " + e.getMessage(), e);
        }
        return new FileReport(file, counter.line, counter.domains, counter.ranges, counter.duplicates,
                counter.skipped, counter.firstSkippedLine, counter.firstSkippedReason);
    }

    /** Counts one file's lines into the shared sets. */
    private static final class Counter implements FeedLineParser.Sink {
        final int source;
        final DomainSet domainSet;
        final IpRuleSet.Builder rangeSet;
        long line;
        long domains;
        long ranges;
        long duplicates;
        long skipped;
        long firstSkippedLine;
        String firstSkippedReason;

        Counter(int source, DomainSet domainSet, IpRuleSet.Builder rangeSet) {
            this.source = source;
            this.domainSet = domainSet;
            this.rangeSet = rangeSet;
        }

        @Override
        public void domain(String domain) {
            if (domainSet.add(domain, source)) {
                domains++;
            } else {
                duplicates++;
            }
        }

        @Override
        public void range(byte[] network, int prefixLength) {
            rangeSet.add(network, prefixLength, source);
            ranges++;
        }

        @Override
        public void unsupported(String why) {
            if (skipped++ == 0) {
                firstSkippedLine = line;
                firstSkippedReason = why;
            }
        }
    }

    /** A domain match: the feed entry and its file, or {@code null}. */
    record DomainMatch(String entry, Path file) {
    }

    DomainMatch findDomain(String host) {
        int at = domains.findSuffix(host);
        return at < 0 ? null : new DomainMatch(domains.domainAt(at), files.get(domains.sourceAt(at)));
    }

    IpRuleSet.Match findAddress(InetAddress address) {
        return ranges.find(address);
    }

    Path file(int source) {
        return files.get(source);
    }

    int domainCount() {
        return domains.size();
    }

    int rangeCount() {
        return ranges.size();
    }

    long domainFootprintBytes() {
        return domains.footprintBytes();
    }

    List<FileReport> reports() {
        return reports;
    }

    List<Path> files() {
        return files;
    }

    /** For the startup log: {@code 2 files, 1000000 domains, 12 IP ranges, loaded in 1830 ms}. */
    String describe() {
        return files.size() + (files.size() == 1 ? " file, " : " files, ") + domains.size() + " domains, "
                + ranges.size() + " IP rules, loaded in " + loadNanos / 1_000_000 + " ms";
    }
}
