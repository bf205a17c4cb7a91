package io.vitalwire.ingest.window;

/** A sample and the window it belongs to, on its way into the window store. */
public record WindowedSample(StreamWindow window, Sample sample) {
}
