package io.peerlink.support;

import java.util.Locale;
import java.util.concurrent.Callable;

/** Runs code under another default locale and restores every category of the old one afterwards. */
public final class DefaultLocale {

    private DefaultLocale() {
    }

    public static <T> T with(Locale locale, Callable<T> code) throws Exception {
        Locale previous = Locale.getDefault();
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        Locale display = Locale.getDefault(Locale.Category.DISPLAY);
        Locale.setDefault(locale);
        try {
            return code.call();
        } finally {
            Locale.setDefault(previous);
            Locale.setDefault(Locale.Category.FORMAT, format);
            Locale.setDefault(Locale.Category.DISPLAY, display);
        }
    }
}
