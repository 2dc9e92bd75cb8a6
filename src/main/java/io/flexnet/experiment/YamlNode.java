// A node of an experiment file with its place in the file, read through snakeyaml-engine's composer.
package io.flexnet.experiment;

import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML node kept as composed (not converted to Java maps), so every value still knows its line and
 * column for error messages. Scalars are read as text and interpreted by the reader that wants them.
 */
final class YamlNode {
    private final Node node;

    YamlNode(Node node) { this.node = node; }

    /** 1-based line, 0 when unknown. */
    int line() { return node.getStartMark().map(m -> m.getLine() + 1).orElse(0); }

    int column() { return node.getStartMark().map(m -> m.getColumn() + 1).orElse(0); }

    boolean isMap() { return node instanceof MappingNode; }

    boolean isList() { return node instanceof SequenceNode; }

    boolean isScalar() { return node instanceof ScalarNode && !isNull(); }

    boolean isNull() { return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag()); }

    /** The scalar's text; null for anything else. */
    String text() { return node instanceof ScalarNode s && !isNull() ? s.getValue() : null; }

    /** What kind of node this is, for messages. */
    String kind() {
        if (isMap()) return "a mapping";
        if (isList()) return "a list";
        if (isNull()) return "empty";
        return "'" + text() + "'";
    }

    /** A mapping's entries in file order, keys as text (non-scalar keys come back as null keys). */
    List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                YamlNode k = new YamlNode(t.getKeyNode());
                out.add(new Entry(k.text(), k, new YamlNode(t.getValueNode())));
            }
        }
        return out;
    }

    List<YamlNode> items() {
        List<YamlNode> out = new ArrayList<>();
        if (node instanceof SequenceNode s) for (Node n : s.getValue()) out.add(new YamlNode(n));
        return out;
    }

    record Entry(String key, YamlNode keyNode, YamlNode value) {}
}
