package io.tollgate.media;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.function.IntConsumer;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * The built-in video: an endlessly looping animated GIF (192×192, 20 frames, 80 ms each) of a
 * plasma pattern whose palette and waves come from the prompt's hash. Frames are indexed images on
 * our own palette, so the JDK's pure-Java GIF writer needs no colour quantisation.
 */
final class GifMaker {
    static final int SIZE = 192;
    static final int FRAMES = 20;
    static final int FRAME_CENTISECONDS = 8;
    static final int DURATION_MILLIS = FRAMES * FRAME_CENTISECONDS * 10;

    private GifMaker() {}

    static byte[] make(byte[] digest, IntConsumer progress) throws InterruptedException {
        Random random = new Random(Pixels.seed(digest));
        IndexColorModel palette = palette(random.nextDouble(), 0.2 + 0.6 * random.nextDouble());
        double fx = 0.02 + random.nextDouble() * 0.06, fy = 0.02 + random.nextDouble() * 0.06;
        double fd = 0.01 + random.nextDouble() * 0.04, fr = 0.03 + random.nextDouble() * 0.08;
        double cx = random.nextDouble() * SIZE, cy = random.nextDouble() * SIZE;
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 * 1024);
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (int f = 0; f < FRAMES; f++) {
                Pixels.checkInterrupted();
                BufferedImage frame = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_INDEXED, palette);
                byte[] data = ((DataBufferByte) frame.getRaster().getDataBuffer()).getData();
                // Phase and palette shift both wrap after FRAMES, so the loop has no seam.
                double phase = 2 * Math.PI * f / FRAMES;
                int shift = 256 * f / FRAMES;
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        double v = Math.sin(x * fx + phase) + Math.sin(y * fy - phase) + Math.sin((x + y) * fd + phase)
                                + Math.sin(Math.hypot(x - cx, y - cy) * fr - phase);
                        data[y * SIZE + x] = (byte) (((int) ((v + 4) / 8 * 255) + shift) & 0xff);
                    }
                }
                writer.writeToSequence(new IIOImage(frame, null, frameMetadata(writer, frame, f == 0)), null);
                if (f % 5 == 4) progress.accept(20 + 70 * (f + 1) / FRAMES);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** 256 colours around the hue circle, brightness rising and falling so the pattern reads as bands. */
    private static IndexColorModel palette(double hue, double spread) {
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        for (int i = 0; i < 256; i++) {
            double t = i / 256.0;
            int rgb = Pixels.hsb(hue + spread * Math.sin(2 * Math.PI * t), 0.75, 0.55 + 0.45 * Math.abs(Math.sin(3 * Math.PI * t)));
            r[i] = (byte) Pixels.channel(rgb, 16);
            g[i] = (byte) Pixels.channel(rgb, 8);
            b[i] = (byte) Pixels.channel(rgb, 0);
        }
        return new IndexColorModel(8, 256, r, g, b);
    }

    /** The frame's delay, and on the first frame the NETSCAPE2.0 extension that makes the GIF loop forever. */
    private static IIOMetadata frameMetadata(ImageWriter writer, BufferedImage frame, boolean first) throws IOException {
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
        String format = metadata.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
        IIOMetadataNode control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(FRAME_CENTISECONDS));
        control.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            loop.setUserObject(new byte[] {1, 0, 0}); // sub-block 1, loop count 0 = forever
            child(root, "ApplicationExtensions").appendChild(loop);
        }
        metadata.setFromTree(format, root);
        return metadata;
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        for (int i = 0; i < parent.getLength(); i++) {
            if (parent.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) parent.item(i);
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        parent.appendChild(node);
        return node;
    }
}
