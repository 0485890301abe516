package io.peerlink.api;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;

/**
 * A QR code as a standalone SVG: ZXing computes the modules, this draws them. The image is a white
 * square and one black path of unit squares (each horizontal run of dark modules one rectangle), in a
 * viewBox measured in modules, quiet zone included. No script, no style sheet, no external reference.
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

    /** One bit per module, quiet zone included (width and height 0 ask ZXing for no scaling). */
    private static BitMatrix encode(String text) {
        try {
            return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.ERROR_CORRECTION, ERROR_CORRECTION,
                    EncodeHintType.MARGIN, QUIET_ZONE));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode " + text.length() + " characters as a QR code", e);
        }
    }
}
