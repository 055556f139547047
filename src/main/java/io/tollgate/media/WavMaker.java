package io.tollgate.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * The built-in audio: a WAV (RIFF, PCM 16-bit mono, 22.05 kHz) of eight notes from a pentatonic
 * scale picked by the prompt's hash, 3 seconds. The header is written by hand: 44 bytes.
 */
final class WavMaker {
    static final int SAMPLE_RATE = 22_050;
    static final int NOTES = 8;
    static final int NOTE_MILLIS = 375;
    static final int DURATION_MILLIS = NOTES * NOTE_MILLIS;
    private static final int[] PENTATONIC = {0, 2, 4, 7, 9, 12, 14, 16, 19, 21};

    private WavMaker() {}

    static byte[] make(byte[] digest, IntConsumer progress) throws InterruptedException {
        int perNote = SAMPLE_RATE * NOTE_MILLIS / 1000;
        int samples = perNote * NOTES;
        ByteBuffer wav = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        header(wav, samples * 2);
        double base = 196.0 * Math.pow(2, (digest[31] & 3) / 12.0); // around G3
        for (int note = 0; note < NOTES; note++) {
            Pixels.checkInterrupted();
            double frequency = base * Math.pow(2, PENTATONIC[(digest[note] & 0xff) % PENTATONIC.length] / 12.0);
            for (int i = 0; i < perNote; i++) {
                double t = (double) i / SAMPLE_RATE;
                // 10 ms attack, then exponential decay: no clicks between notes.
                double envelope = Math.min(1, i / (SAMPLE_RATE * 0.01)) * Math.exp(-3.0 * i / perNote);
                double wave = 0.6 * Math.sin(2 * Math.PI * frequency * t) + 0.25 * Math.sin(4 * Math.PI * frequency * t)
                        + 0.1 * Math.sin(6 * Math.PI * frequency * t);
                wav.putShort((short) Math.round(wave * envelope * 0.7 * Short.MAX_VALUE));
            }
            if (note % 2 == 1) progress.accept(20 + 70 * (note + 1) / NOTES);
        }
        return wav.array();
    }

    private static void header(ByteBuffer wav, int dataBytes) {
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        wav.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1)              // PCM
                .putShort((short) 1)              // mono
                .putInt(SAMPLE_RATE)
                .putInt(SAMPLE_RATE * 2)          // bytes per second
                .putShort((short) 2)              // bytes per frame
                .putShort((short) 16);            // bits per sample
        wav.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
    }
}
