package io.vitalwire.sims.fleet;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The fleet benchmark's plot, drawn with Java2D (no charting dependency for one picture): p99 reading → webhook
 * latency and readings taken in per second against fleet size, one line per replica count, the 300 ms target dashed.
 */
final class FleetPlot {

    private static final int WIDTH = 1000;
    private static final int PANEL = 380;
    private static final int LEFT = 80;
    private static final int TOP = 50;
    private static final Color[] LINES = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd)};

    private FleetPlot() {
    }

    static void write(List<FleetStep> steps, Path png) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, 2 * PANEL + 2 * TOP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        Map<Integer, List<FleetStep>> byReplicas = new TreeMap<>();
        steps.forEach(s -> byReplicas.computeIfAbsent(s.replicas(), r -> new java.util.ArrayList<>()).add(s));
        double maxHubs = steps.stream().mapToDouble(FleetStep::hubs).max().orElse(1);
        panel(g, TOP, "p99 reading → webhook latency (ms)", byReplicas, maxHubs,
                s -> Double.isNaN(s.p99Millis()) ? 0 : s.p99Millis(), FleetStep.TARGET_P99_MILLIS);
        panel(g, TOP + PANEL + TOP, "readings taken in per second", byReplicas, maxHubs, FleetStep::taken, -1);
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static void panel(Graphics2D g, int top, String title, Map<Integer, List<FleetStep>> series,
                              double maxHubs, ToDoubleFunction<FleetStep> y, double target) {
        int height = PANEL - 60;
        int width = WIDTH - LEFT - 160;
        double maxY = Math.max(target, series.values().stream().flatMap(List::stream).mapToDouble(y).max()
                .orElse(1)) * 1.1;
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title + " against hubs", LEFT, top - 10);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(LEFT, top, width, height);
        for (int i = 0; i <= 4; i++) {
            int py = top + height - i * height / 4;
            g.drawString(String.format("%.0f", maxY * i / 4), 10, py + 4);
            int px = LEFT + i * width / 4;
            g.drawString(String.format("%,.0f", maxHubs * i / 4), px - 15, top + height + 18);
        }
        if (target > 0) {
            int py = top + height - (int) (target / maxY * height);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 6}, 0));
            g.drawLine(LEFT, py, LEFT + width, py);
            g.drawString("target " + (int) target + " ms", LEFT + width + 8, py + 4);
        }
        int line = 0;
        for (Map.Entry<Integer, List<FleetStep>> e : series.entrySet()) {
            g.setColor(LINES[line % LINES.length]);
            g.setStroke(new BasicStroke(2.5f));
            int lastX = -1;
            int lastY = -1;
            for (FleetStep s : e.getValue()) {
                int px = LEFT + (int) (s.hubs() / maxHubs * width);
                int py = top + height - (int) (y.applyAsDouble(s) / maxY * height);
                g.fillOval(px - 4, py - 4, 8, 8);
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, px, py);
                }
                lastX = px;
                lastY = py;
            }
            g.drawString(e.getKey() + (e.getKey() == 1 ? " replica" : " replicas"), LEFT + width + 8,
                    top + 20 + 18 * line);
            line++;
        }
    }
}
