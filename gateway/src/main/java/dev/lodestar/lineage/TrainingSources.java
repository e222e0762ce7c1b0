package dev.lodestar.lineage;

import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.tribuo.provenance.ModelProvenance;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.primitives.FileProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.URLProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;

/**
 * The data files a Tribuo model was trained on, read from its dataset provenance: every provenance object that
 * carries a content hash (Tribuo's file-backed data sources record {@code resource-hash}, SHA-256 by default)
 * names one source, with the path or URL found beside the hash. Splits, transformations and other wrappers nest
 * their source's provenance, so the whole tree is searched.
 */
public final class TrainingSources {

    /**
     * A data file named by provenance.
     *
     * @param sha256 its content's SHA-256 in lower-case hex, or null when the hash is of another type
     * @param path   its path or URL as written in the provenance, or null
     */
    public record Source(String sha256, String path) {
    }

    private TrainingSources() {
    }

    /** The sources of a model's training data, in the order found, without repeats. */
    public static List<Source> of(ModelProvenance provenance) {
        Set<Source> found = new LinkedHashSet<>();
        walk(provenance.getDatasetProvenance(), found);
        return new ArrayList<>(found);
    }

    private static void walk(Provenance provenance, Set<Source> found) {
        if (provenance instanceof ObjectProvenance object) {
            HashProvenance hash = null;
            String path = null;
            for (Pair<String, Provenance> field : object) {
                Provenance value = field.getB();
                if (value instanceof HashProvenance h) {
                    hash = h;
                } else if (value instanceof URLProvenance url && path == null) {
                    path = text(url.getValue());
                } else if (value instanceof FileProvenance file && path == null) {
                    java.io.File f = file.getValue();
                    path = f == null ? null : f.getPath();
                } else {
                    walk(value, found);
                }
            }
            if (hash != null) {
                String sha256 = hash.getType() == ProvenanceUtil.HashType.SHA256 && hash.getValue() != null
                        ? hash.getValue().toLowerCase(Locale.ROOT) : null;
                if (sha256 != null || path != null) {
                    found.add(new Source(sha256, path));
                }
            }
        } else if (provenance instanceof ListProvenance<?> list) {
            for (Provenance element : list) {
                walk(element, found);
            }
        } else if (provenance instanceof MapProvenance<?> map) {
            for (Pair<String, ? extends Provenance> entry : map) {
                walk(entry.getB(), found);
            }
        }
    }

    private static String text(URL url) {
        if (url == null) {
            return null;
        }
        return "file".equals(url.getProtocol()) ? url.getPath() : url.toString();
    }
}
