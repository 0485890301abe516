package io.peerlink.support;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Reads back the QR codes of {@code GET /api/peers/{peerId}/safety-number.svg}: rasterises an SVG
 * made of {@code <rect>}s and {@code <path>}s of straight lines (the subset a QR code needs) with
 * Java2D, then decodes the picture with ZXing. Anything outside that subset (a transform, a curve,
 * a stroke, a nested element) fails loudly rather than being drawn wrong.
 */
public final class SvgQrCodes {

    /** Pixels per SVG user unit (one QR module) in the raster. */
    public static final int SCALE = 4;

    private static final Pattern PATH_TOKEN = Pattern.compile("([MmLlHhVvZz])|(-?(?:\\d+\\.?\\d*|\\.\\d+))");
    /** Drawn first, so that a pixel no element covers shows up. */
    private static final int UNPAINTED = 0xFFFF0000;

    private SvgQrCodes() {
    }

    /** The raster and the size of the viewBox, in modules. */
    public record Raster(BufferedImage image, int modules) {

        /** Whether the module at (x, y) is dark, judged at its centre pixel. */
        public boolean dark(int x, int y) {
            return (image.getRGB(x * SCALE + SCALE / 2, y * SCALE + SCALE / 2) & 0xFFFFFF) == 0;
        }
    }

    /** Rasterises then decodes; fails when ZXing finds no QR code. */
    public static String decode(String svg) {
        return decode(rasterise(svg).image());
    }

    public static String decode(BufferedImage image) {
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
        try {
            return new MultiFormatReader().decode(bitmap, Map.of(
                    DecodeHintType.POSSIBLE_FORMATS, List.of(BarcodeFormat.QR_CODE),
                    DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
        } catch (NotFoundException e) {
            throw new AssertionError("ZXing found no QR code in the rasterised SVG", e);
        }
    }

    /**
     * Draws the SVG at {@value #SCALE} pixels per unit, without anti-aliasing. Every pixel must end
     * up black or white: a spot no element painted fails, so the white background is checked too.
     */
    public static Raster rasterise(String svg) {
        Element root = parse(svg).getDocumentElement();
        if (!root.getLocalName().equals("svg") || !"http://www.w3.org/2000/svg".equals(root.getNamespaceURI())) {
            throw new AssertionError("not an SVG document: <" + root.getTagName() + ">");
        }
        String[] viewBox = root.getAttribute("viewBox").strip().split("[\\s,]+");
        if (viewBox.length != 4 || !viewBox[0].equals("0") || !viewBox[1].equals("0")
                || !viewBox[2].equals(viewBox[3])) {
            throw new AssertionError("expected a square viewBox at the origin, got '" + root.getAttribute("viewBox") + "'");
        }
        int modules = Integer.parseInt(viewBox[2]);
        BufferedImage image = new BufferedImage(modules * SCALE, modules * SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setColor(new Color(UNPAINTED, true));
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.scale(SCALE, SCALE);
            NodeList children = root.getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                if (children.item(i) instanceof Element e) {
                    draw(g, e);
                }
            }
        } finally {
            g.dispose();
        }
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                if (rgb != 0 && rgb != 0xFFFFFF) {
                    throw new AssertionError("pixel (" + x + ", " + y + ") is " + Integer.toHexString(rgb)
                            + ", neither black nor white: the SVG does not cover its viewBox");
                }
            }
        }
        return new Raster(image, modules);
    }

    private static void draw(Graphics2D g, Element e) {
        if (e.hasAttribute("transform") || e.hasAttribute("stroke") || e.hasAttribute("style")
                || e.hasAttribute("opacity") || e.hasAttribute("fill-opacity")) {
            throw new AssertionError("unsupported attribute on <" + e.getTagName() + ">");
        }
        switch (e.getLocalName()) {
            case "title", "desc" -> {
                return;
            }
            case "rect" -> {
                g.setColor(fill(e));
                g.fill(new Rectangle2D.Double(number(e, "x", 0), number(e, "y", 0), number(e, "width", -1),
                        number(e, "height", -1)));
            }
            case "path" -> {
                g.setColor(fill(e));
                Path2D.Double path = path(e.getAttribute("d"));
                path.setWindingRule("evenodd".equals(e.getAttribute("fill-rule")) ? Path2D.WIND_EVEN_ODD
                        : Path2D.WIND_NON_ZERO);
                g.fill(path);
            }
            default -> throw new AssertionError("unsupported element <" + e.getTagName() + ">");
        }
    }

    /** M, L, H, V and Z, absolute and relative: straight lines only. */
    static Path2D.Double path(String d) {
        Path2D.Double path = new Path2D.Double();
        Matcher m = PATH_TOKEN.matcher(d);
        List<String> tokens = new ArrayList<>();
        int end = 0;
        while (m.find()) {
            if (!d.substring(end, m.start()).isBlank() && !d.substring(end, m.start()).strip().equals(",")) {
                throw new AssertionError("unsupported path data near '" + d.substring(end, Math.min(d.length(),
                        m.start() + 10)) + "'");
            }
            tokens.add(m.group());
            end = m.end();
        }
        double x = 0;
        double y = 0;
        double startX = 0;
        double startY = 0;
        char command = 0;
        int i = 0;
        while (i < tokens.size()) {
            String t = tokens.get(i);
            if (Character.isLetter(t.charAt(0))) {
                command = t.charAt(0);
                i++;
                if (command == 'Z' || command == 'z') {
                    path.closePath();
                    x = startX;
                    y = startY;
                }
                continue;
            }
            boolean relative = Character.isLowerCase(command);
            switch (Character.toUpperCase(command)) {
                case 'M', 'L' -> {
                    double nx = Double.parseDouble(tokens.get(i)) + (relative ? x : 0);
                    double ny = Double.parseDouble(tokens.get(i + 1)) + (relative ? y : 0);
                    i += 2;
                    if (Character.toUpperCase(command) == 'M') {
                        path.moveTo(nx, ny);
                        startX = nx;
                        startY = ny;
                        command = relative ? 'l' : 'L';   // further pairs after M are line-tos
                    } else {
                        path.lineTo(nx, ny);
                    }
                    x = nx;
                    y = ny;
                }
                case 'H' -> {
                    x = Double.parseDouble(tokens.get(i++)) + (relative ? x : 0);
                    path.lineTo(x, y);
                }
                case 'V' -> {
                    y = Double.parseDouble(tokens.get(i++)) + (relative ? y : 0);
                    path.lineTo(x, y);
                }
                default -> throw new AssertionError("a number without a command in path data: " + t);
            }
        }
        return path;
    }

    private static double number(Element e, String attribute, double otherwise) {
        String v = e.getAttribute(attribute);
        if (v.isEmpty()) {
            if (otherwise < 0) {
                throw new AssertionError("<" + e.getTagName() + "> without " + attribute);
            }
            return otherwise;
        }
        return Double.parseDouble(v);
    }

    private static Color fill(Element e) {
        String f = e.getAttribute("fill").strip().toLowerCase(Locale.ROOT);
        return switch (f) {
            case "", "black", "#000", "#000000" -> Color.BLACK;   // SVG's default fill is black
            case "white", "#fff", "#ffffff" -> Color.WHITE;
            default -> throw new AssertionError("unsupported fill '" + f + "' on <" + e.getTagName() + ">");
        };
    }

    private static Document parse(String svg) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** Every element name and attribute name of the document, for checks such as "no script". */
    public static List<String> names(String svg) {
        List<String> names = new ArrayList<>();
        collect(parse(svg).getDocumentElement(), names);
        return names;
    }

    private static void collect(Node node, List<String> names) {
        if (node instanceof Element e) {
            names.add(e.getTagName());
            for (int i = 0; i < e.getAttributes().getLength(); i++) {
                names.add("@" + e.getAttributes().item(i).getNodeName());
            }
        }
        NodeList children = node.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            collect(children.item(i), names);
        }
    }
}
