package io.tollgate.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Small helpers of the built-in generators: a seed from the prompt, and colour without java.awt.Color. */
final class Pixels {
    private Pixels() {}

    /** The same kind, style and prompt always give the same file. */
    static byte[] digest(MediaKind kind, String style, String prompt) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((kind.wire() + "\n" + (style == null ? "" : style) + "\n" + prompt).getBytes(StandardCharsets.UTF_8));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long seed(byte[] digest) {
        return ByteBuffer.wrap(digest).getLong();
    }

    /** HSB (each 0-1, hue wrapping) to packed 0xRRGGBB. */
    static int hsb(double hue, double saturation, double brightness) {
        double h = (hue - Math.floor(hue)) * 6;
        int sector = (int) h;
        double f = h - sector;
        double p = brightness * (1 - saturation);
        double q = brightness * (1 - saturation * f);
        double t = brightness * (1 - saturation * (1 - f));
        double[] rgb = switch (sector) {
            case 0 -> new double[] {brightness, t, p};
            case 1 -> new double[] {q, brightness, p};
            case 2 -> new double[] {p, brightness, t};
            case 3 -> new double[] {p, q, brightness};
            case 4 -> new double[] {t, p, brightness};
            default -> new double[] {brightness, p, q};
        };
        return rgb(rgb[0] * 255, rgb[1] * 255, rgb[2] * 255);
    }

    static int rgb(double r, double g, double b) {
        return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    /** Mixes a towards b by t (0-1), channel by channel. */
    static int mix(int a, int b, double t) {
        return rgb(channel(a, 16) + (channel(b, 16) - channel(a, 16)) * t, channel(a, 8) + (channel(b, 8) - channel(a, 8)) * t,
                channel(a, 0) + (channel(b, 0) - channel(a, 0)) * t);
    }

    static int channel(int rgb, int shift) {
        return (rgb >> shift) & 0xff;
    }

    static void checkInterrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) throw new InterruptedException("generation cancelled");
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
