package dev.neuralsearch.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes tiny ONNX models by hand: a minimal protobuf encoder and just the ModelProto fields a one-node graph
 * needs (field numbers from onnx.proto). Used for the matrix-multiply ceiling, so no protobuf dependency.
 */
public final class OnnxGraphs {
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int INT32 = 6;

    private OnnxGraphs() {
    }

    /** {@code C[m,n] = A[m,k] x B[k,n]} with B a constant initializer (as weights are in an encoder). */
    public static byte[] matMulFloat(int m, int k, int n, float[] b) {
        byte[] raw = new byte[b.length * 4];
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(b);
        return model("MatMul", FLOAT, FLOAT, raw, m, k, n);
    }

    /** {@code C[m,n] (int32) = MatMulInteger(A[m,k] uint8, B[k,n] int8)}, zero points 0: the int8 encoders' kernel. */
    public static byte[] matMulInteger(int m, int k, int n, byte[] b) {
        return model("MatMulInteger", UINT8, INT8, b, m, k, n);
    }

    private static byte[] model(String op, int aType, int bType, byte[] bRaw, int m, int k, int n) {
        int cType = op.equals("MatMulInteger") ? INT32 : FLOAT;
        Proto node = new Proto().string(1, "A").string(1, "B").string(2, "C").string(3, "mm").string(4, op);
        Proto init = new Proto().int64(1, k).int64(1, n).int64(2, bType).string(8, "B").bytes(9, bRaw);
        Proto graph = new Proto()
                .message(1, node)
                .string(2, "matmul")
                .message(5, init)
                .message(11, valueInfo("A", aType, m, k))
                .message(12, valueInfo("C", cType, m, n));
        Proto opset = new Proto().string(1, "").int64(2, 13);
        return new Proto()
                .int64(1, 8) // ir_version
                .string(2, "neural-search-benchmarks")
                .message(7, graph)
                .message(8, opset)
                .toByteArray();
    }

    private static Proto valueInfo(String name, int elemType, long... dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            shape.message(1, new Proto().int64(1, d));
        }
        Proto tensorType = new Proto().int64(1, elemType).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Protobuf wire format: varints (type 0) and length-delimited fields (type 2) are all ONNX needs here. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto int64(int field, long value) {
            varint((long) field << 3);
            varint(value);
            return this;
        }

        Proto bytes(int field, byte[] value) {
            varint(((long) field << 3) | 2);
            varint(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
