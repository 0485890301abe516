package io.peerlink.api;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.ReaderException;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.Decoder;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.detector.Detector;
import java.util.HashMap;
import java.util.Map;

/**
 * A QR code as a standalone SVG: ZXing computes the modules, this draws them. The image is a white
 * square and one black path of unit squares (each horizontal run of dark modules one rectangle), in a
 * viewBox measured in modules, quiet zone included. No script, no style sheet, no external reference.
 *
 * <p>Every code is read back before it is drawn. ZXing's finder-pattern search (the detector of the
 * ZXing-based scanner apps) scans rows from the top and stops at the first three confirmed
 * candidates, so a finder-like 1:1:3:1:1 shape in the data area above the real bottom-left finder
 * pattern hides the code from it: about 3 % of safety-number payloads with the mask ISO/IEC 18004's
 * penalty rule picks. Such a code is still valid (the format bits name the mask), so then another of
 * the eight masks is taken, the first one the detector reads back to the same text.
 */
final class QrSvg {

    /** Error correction M (about 15 % of the code words may be lost), as docs/PROTOCOL.md section 3 says. */
    static final ErrorCorrectionLevel ERROR_CORRECTION = ErrorCorrectionLevel.M;
    /** Light modules around the code, the minimum ISO/IEC 18004 asks for. */
    static final int QUIET_ZONE = 4;
    /** Screen pixels per module of the default width and height (the image scales freely). */
    static final int PIXELS_PER_MODULE = 4;

    private QrSvg() {
    }

    /**
     * {@code text} (ISO-8859-1, so keep it ASCII) as a QR code. {@code title} becomes the image's
     * accessible name; it must not contain markup characters.
     */
    static String render(String text, String title) {
        if (title.chars().anyMatch(c -> c == '<' || c == '>' || c == '&' || c < 0x20)) {
            throw new IllegalArgumentException("title must be plain text");
        }
        BitMatrix modules = encode(text);
        int size = modules.getWidth();
        StringBuilder d = new StringBuilder();
        for (int y = 0; y < size; y++) {
            int x = 0;
            while (x < size) {
                if (!modules.get(x, y)) {
                    x++;
                    continue;
                }
                int run = 1;
                while (x + run < size && modules.get(x + run, y)) {
                    run++;
                }
                d.append('M').append(x).append(' ').append(y).append('h').append(run).append("v1h-").append(run)
                        .append('z');
                x += run;
            }
        }
        int pixels = size * PIXELS_PER_MODULE;
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 " + size + " " + size
                + "\" width=\"" + pixels + "\" height=\"" + pixels + "\" shape-rendering=\"crispEdges\">\n"
                + "<title>" + title + "</title>\n"
                + "<rect width=\"" + size + "\" height=\"" + size + "\" fill=\"#ffffff\"/>\n"
                + "<path fill=\"#000000\" d=\"" + d + "\"/>\n"
                + "</svg>\n";
    }

    /**
     * One bit per module, quiet zone included: the penalty rule's mask if ZXing's detector finds the
     * code upright, else the first mask it does find (the penalty rule's one if none does).
     */
    static BitMatrix encode(String text) {
        BitMatrix preferred = encode(text, -1);
        if (readsBack(preferred, text)) {
            return preferred;
        }
        for (int mask = 0; mask < 8; mask++) {
            BitMatrix modules = encode(text, mask);
            if (readsBack(modules, text)) {
                return modules;
            }
        }
        return preferred;
    }

    /** {@code mask} -1 lets ZXing choose by the penalty rule (width and height 0 ask for no scaling). */
    static BitMatrix encode(String text, int mask) {
        Map<EncodeHintType, Object> hints = new HashMap<>(Map.of(
                EncodeHintType.ERROR_CORRECTION, ERROR_CORRECTION,
                EncodeHintType.MARGIN, QUIET_ZONE));
        if (mask >= 0) {
            hints.put(EncodeHintType.QR_MASK_PATTERN, mask);
        }
        try {
            return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode " + text.length() + " characters as a QR code", e);
        }
    }

    /** Whether ZXing's detector and decoder, given the modules at the default pixel scale, read {@code text}. */
    static boolean readsBack(BitMatrix modules, String text) {
        int size = modules.getWidth();
        BitMatrix pixels = new BitMatrix(size * PIXELS_PER_MODULE);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (modules.get(x, y)) {
                    pixels.setRegion(x * PIXELS_PER_MODULE, y * PIXELS_PER_MODULE, PIXELS_PER_MODULE,
                            PIXELS_PER_MODULE);
                }
            }
        }
        try {
            return text.equals(new Decoder().decode(new Detector(pixels).detect().getBits()).getText());
        } catch (ReaderException e) {
            return false;
        }
    }
}
