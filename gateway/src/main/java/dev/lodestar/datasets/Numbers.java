package dev.lodestar.datasets;

/**
 * What counts as a number in a CSV cell: a plain decimal, optionally signed, with an optional fraction and
 * exponent ({@code 42}, {@code -0.5}, {@code 1e-3}, {@code .5}), surrounded by optional spaces, whose value is a
 * finite double. Java's own extras ({@code NaN}, {@code Infinity}, hex floats, {@code 1d}) are text.
 */
final class Numbers {

    private Numbers() {
    }

    /** The value of {@code text}, or NaN if it is not a number. */
    static double parse(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == ' ') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == ' ') {
            end--;
        }
        if (!decimal(text, start, end)) {
            return Double.NaN;
        }
        double value = Double.parseDouble(text.substring(start, end));
        return Double.isFinite(value) ? value : Double.NaN;
    }

    private static boolean decimal(String s, int i, int end) {
        if (i < end && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < end && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < end && s.charAt(i) == '.') {
            i++;
            while (i < end && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < end && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < end && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < end && isDigit(s.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == end;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
