package dev.lodestar.lineage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A lineage graph laid out for an SVG, left to right, in layers (a light Sugiyama layout): each node's layer is
 * the length of the longest path reaching it (sources in layer 0), nodes within a layer are ordered by a few
 * sweeps of the barycentre heuristic (each node placed at the mean position of its neighbours in the layer before,
 * then after), which keeps edge crossings few; edges are curves from the right side of one box to the left side of
 * the next. Edges that would point backwards (a cycle) are drawn all the same.
 *
 * @param width  the drawing's width
 * @param height its height
 * @param boxes  one per node
 * @param curves one per edge
 */
public record GraphDrawing(int width, int height, List<Box> boxes, List<Curve> curves) {

    static final int BOX_WIDTH = 190;
    static final int BOX_HEIGHT = 44;
    static final int COLUMN = 260;
    static final int ROW = 64;
    static final int MARGIN = 16;
    private static final int SWEEPS = 4;
    private static final int LABEL = 26;

    /**
     * A node's box.
     *
     * @param id     the node id
     * @param kind   its kind (the CSS class {@code kind-<kind>} colours it)
     * @param label  its name, shortened to fit
     * @param detail its kind and key, shortened to fit
     * @param title  its full name and id
     * @param href   the page centred on it
     * @param center whether it is the node the graph was drawn around
     */
    public record Box(String id, String kind, String label, String detail, String title, String href, int x, int y, int width,
            int height, boolean center) {

        public int textX() {
            return x + 10;
        }

        public int labelY() {
            return y + 19;
        }

        public int detailY() {
            return y + 35;
        }
    }

    /**
     * An edge's curve.
     *
     * @param path   the SVG path
     * @param kind   the edge's kind
     * @param labelX where its label goes
     * @param labelY likewise
     * @param title  from, kind and to, for the tooltip
     */
    public record Curve(String path, String kind, int labelX, int labelY, String title) {
    }

    /** Lays out {@code graph}, linking each box to {@code href.apply(nodeId)}; {@code center} is marked. */
    public static GraphDrawing of(LineageGraph graph, String center, Function<String, String> href) {
        List<String> ids = graph.nodes().stream().map(LineageNode::id).toList();
        Map<String, List<String>> in = new HashMap<>();
        Map<String, List<String>> out = new HashMap<>();
        ids.forEach(id -> {
            in.put(id, new ArrayList<>());
            out.put(id, new ArrayList<>());
        });
        for (LineageEdge edge : graph.edges()) {
            if (!edge.from().equals(edge.to())) {
                out.get(edge.from()).add(edge.to());
                in.get(edge.to()).add(edge.from());
            }
        }
        Map<String, Integer> layer = layers(ids, in, out);
        int layers = layer.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        List<List<String>> columns = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            columns.add(new ArrayList<>());
        }
        Map<String, LineageNode> nodes = new HashMap<>();
        graph.nodes().forEach(n -> nodes.put(n.id(), n));
        ids.stream().sorted(Comparator.comparing((String id) -> nodes.get(id).kind()).thenComparing(id -> nodes.get(id).name()))
                .forEach(id -> columns.get(layer.get(id)).add(id));
        Map<String, Double> position = new HashMap<>();
        columns.forEach(column -> place(column, position));
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            for (int i = 1; i < layers; i++) {
                order(columns.get(i), in, position);
            }
            for (int i = layers - 2; i >= 0; i--) {
                order(columns.get(i), out, position);
            }
        }
        int tallest = columns.stream().mapToInt(List::size).max().orElse(1);
        int height = 2 * MARGIN + tallest * ROW - (ROW - BOX_HEIGHT);
        Map<String, Box> boxes = new HashMap<>();
        List<Box> ordered = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            List<String> column = columns.get(i);
            // Each column is centred vertically, so short columns sit by the middle of tall ones.
            int top = MARGIN + (tallest - column.size()) * ROW / 2;
            for (int j = 0; j < column.size(); j++) {
                LineageNode node = nodes.get(column.get(j));
                Box box = new Box(node.id(), cssKind(node.kind()), shorten(node.name(), LABEL),
                        shorten(node.kind() + " " + LineageEdges.keyOf(node.id()), LABEL + 6), node.name() + " (" + node.id() + ")",
                        href.apply(node.id()), MARGIN + i * COLUMN, top + j * ROW, BOX_WIDTH, BOX_HEIGHT, node.id().equals(center));
                boxes.put(node.id(), box);
                ordered.add(box);
            }
        }
        List<Curve> curves = new ArrayList<>();
        for (LineageEdge edge : graph.edges()) {
            Box from = boxes.get(edge.from());
            Box to = boxes.get(edge.to());
            int x1 = from.x() + from.width();
            int y1 = from.y() + from.height() / 2;
            int x2 = to.x();
            int y2 = to.y() + to.height() / 2;
            int bend = Math.max(40, Math.abs(x2 - x1) / 2);
            String path = "M" + x1 + "," + y1 + " C" + (x1 + bend) + "," + y1 + " " + (x2 - bend) + "," + y2 + " " + x2 + "," + y2;
            curves.add(new Curve(path, edge.kind(), (x1 + x2) / 2, (y1 + y2) / 2 - 4, edge.from() + " " + edge.kind() + " " + edge.to()));
        }
        int width = 2 * MARGIN + (layers - 1) * COLUMN + BOX_WIDTH;
        return new GraphDrawing(width, Math.max(height, BOX_HEIGHT + 2 * MARGIN), ordered, curves);
    }

    /** Longest-path layers: Kahn's order over the edges, each node one past its deepest predecessor. */
    static Map<String, Integer> layers(List<String> ids, Map<String, List<String>> in, Map<String, List<String>> out) {
        Map<String, Integer> layer = new HashMap<>();
        Map<String, Integer> waiting = new HashMap<>();
        List<String> ready = new ArrayList<>();
        for (String id : ids) {
            waiting.put(id, in.get(id).size());
            if (in.get(id).isEmpty()) {
                ready.add(id);
            }
            layer.put(id, 0);
        }
        int done = 0;
        while (done < ready.size()) {
            String id = ready.get(done++);
            for (String next : out.get(id)) {
                layer.merge(next, layer.get(id) + 1, Math::max);
                if (waiting.merge(next, -1, Integer::sum) == 0) {
                    ready.add(next);
                }
            }
        }
        // Nodes on a cycle never become ready; they keep the layer their placed predecessors gave them.
        return layer;
    }

    private static void order(List<String> column, Map<String, List<String>> neighbours, Map<String, Double> position) {
        Map<String, Double> barycentre = new HashMap<>();
        for (String id : column) {
            double sum = 0;
            int count = 0;
            for (String other : neighbours.get(id)) {
                Double p = position.get(other);
                if (p != null) {
                    sum += p;
                    count++;
                }
            }
            barycentre.put(id, count == 0 ? position.get(id) : sum / count);
        }
        column.sort(Comparator.comparingDouble(barycentre::get));
        place(column, position);
    }

    private static void place(List<String> column, Map<String, Double> position) {
        for (int i = 0; i < column.size(); i++) {
            position.put(column.get(i), i - (column.size() - 1) / 2.0);
        }
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static String cssKind(String kind) {
        String lower = kind.toLowerCase(Locale.ROOT);
        return lower.matches("[a-z-]+") ? lower : "other";
    }
}
