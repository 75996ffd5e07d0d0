package dev.neuralsearch.ann;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cached embeddings for recall tests. Format (big-endian, java.io.DataOutput): magic {@code NSVEC001}, UTF model id,
 * int dimension, int document count, int query count, then per document {@code writeUTF(id)} + dimension floats,
 * then per query {@code writeUTF(id)} + dimension floats.
 */
public record VectorsFile(String modelId, int dimension, List<String> docIds, List<float[]> docVectors,
                          List<String> queryIds, List<float[]> queryVectors) {
    private static final byte[] MAGIC = "NSVEC001".getBytes(StandardCharsets.US_ASCII);

    public void write(Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.write(MAGIC);
            out.writeUTF(modelId);
            out.writeInt(dimension);
            out.writeInt(docIds.size());
            out.writeInt(queryIds.size());
            for (int i = 0; i < docIds.size(); i++) {
                writeOne(out, docIds.get(i), docVectors.get(i));
            }
            for (int i = 0; i < queryIds.size(); i++) {
                writeOne(out, queryIds.get(i), queryVectors.get(i));
            }
        }
    }

    private static void writeOne(DataOutputStream out, String id, float[] v) throws IOException {
        out.writeUTF(id);
        for (float f : v) {
            out.writeFloat(f);
        }
    }

    public static VectorsFile read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + ": not a vectors file");
            }
            String model = in.readUTF();
            int dim = in.readInt();
            int docs = in.readInt();
            int queries = in.readInt();
            List<String> di = new ArrayList<>(docs);
            List<float[]> dv = new ArrayList<>(docs);
            List<String> qi = new ArrayList<>(queries);
            List<float[]> qv = new ArrayList<>(queries);
            for (int i = 0; i < docs; i++) {
                di.add(in.readUTF());
                dv.add(readVector(in, dim));
            }
            for (int i = 0; i < queries; i++) {
                qi.add(in.readUTF());
                qv.add(readVector(in, dim));
            }
            return new VectorsFile(model, dim, di, dv, qi, qv);
        }
    }

    private static float[] readVector(DataInputStream in, int dim) throws IOException {
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
            v[j] = in.readFloat();
        }
        return v;
    }
}
