package io.tollgate.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.function.IntConsumer;
import javax.imageio.ImageIO;

/**
 * The built-in image: a 512×512 PNG of a tilted two-colour gradient with soft translucent discs,
 * all chosen from the prompt's hash. Pixels are computed directly (no Graphics2D, no fonts), so it
 * works on any headless machine.
 */
final class PngMaker {
    static final int SIZE = 512;

    private PngMaker() {}

    static byte[] make(byte[] digest, IntConsumer progress) throws InterruptedException {
        Random random = new Random(Pixels.seed(digest));
        double hue = random.nextDouble();
        int top = Pixels.hsb(hue, 0.45 + 0.3 * random.nextDouble(), 0.95);
        int bottom = Pixels.hsb(hue + 0.3 + 0.4 * random.nextDouble(), 0.7, 0.3 + 0.2 * random.nextDouble());
        double angle = random.nextDouble() * 2 * Math.PI;
        double dx = Math.cos(angle), dy = Math.sin(angle);
        int discs = 5 + random.nextInt(6);
        double[] cx = new double[discs], cy = new double[discs], radius = new double[discs], alpha = new double[discs];
        int[] colour = new int[discs];
        for (int i = 0; i < discs; i++) {
            cx[i] = random.nextDouble() * SIZE;
            cy[i] = random.nextDouble() * SIZE;
            radius[i] = 30 + random.nextDouble() * 140;
            alpha[i] = 0.25 + 0.5 * random.nextDouble();
            colour[i] = Pixels.hsb(hue + random.nextDouble() * 0.5, 0.5 + 0.5 * random.nextDouble(), 0.6 + 0.4 * random.nextDouble());
        }
        int[] pixels = new int[SIZE * SIZE];
        double half = SIZE / 2.0, reach = Math.hypot(half, half);
        for (int y = 0; y < SIZE; y++) {
            Pixels.checkInterrupted();
            for (int x = 0; x < SIZE; x++) {
                double t = Math.max(0, Math.min(1, ((x - half) * dx + (y - half) * dy) / reach * 0.5 + 0.5));
                int rgb = Pixels.mix(top, bottom, t);
                for (int i = 0; i < discs; i++) {
                    double d = Math.hypot(x - cx[i], y - cy[i]);
                    // A soft 8-pixel edge keeps the discs from looking jagged without any anti-aliasing machinery.
                    if (d < radius[i]) rgb = Pixels.mix(rgb, colour[i], alpha[i] * Math.min(1, (radius[i] - d) / 8));
                }
                pixels[y * SIZE + x] = rgb;
            }
            if (y % 128 == 127) progress.accept(20 + 60 * (y + 1) / SIZE);
        }
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, SIZE, SIZE, pixels, 0, SIZE);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
        try {
            if (!ImageIO.write(image, "png", out)) throw new IllegalStateException("No PNG writer available");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
