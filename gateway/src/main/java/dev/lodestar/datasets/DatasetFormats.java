package dev.lodestar.datasets;

import io.quarkus.qute.TemplateExtension;

/** Formatting for the dataset pages. */
@TemplateExtension
public class DatasetFormats {

    private DatasetFormats() {
    }

    /** A quantile's probability as its usual label: 0.05 is "05", 0.5 is "50". */
    static String percent(double p) {
        return String.format("%02d", Math.round(p * 100));
    }

    /** The first 12 hex digits of a hash, enough to tell hashes apart on a list. */
    static String abbreviated(String sha256) {
        return sha256.length() > 12 ? sha256.substring(0, 12) : sha256;
    }
}
