package io.peerlink.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The buckets of one histogram series in a Prometheus scrape: upper bound (seconds) to cumulative count. */
final class PrometheusBuckets {

    private PrometheusBuckets() {
    }

    /** {@code labels} is what precedes {@code le} inside the braces, e.g. {@code direction="outbound",}. */
    static Map<Double, Long> of(String scrape, String family, String labels) {
        Pattern line = Pattern.compile("(?m)^" + Pattern.quote(family + "_bucket{" + labels + "le=\"")
                + "([^\"]+)\"} ([0-9.]+)$");
        Map<Double, Long> buckets = new LinkedHashMap<>();
        Matcher m = line.matcher(scrape);
        while (m.find()) {
            double le = "+Inf".equals(m.group(1)) ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            buckets.put(le, (long) Double.parseDouble(m.group(2)));
        }
        return buckets;
    }
}
