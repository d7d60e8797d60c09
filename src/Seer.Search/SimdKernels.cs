using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Seer.Search;

/// <summary>
/// The hot loops. Rows are padded with zeros to a multiple of 16 floats (64 bytes), so every loop runs whole
/// Vector512 (or 2×Vector256) steps with no scalar tail; padding adds nothing to a dot product or a distance.
/// </summary>
internal static unsafe class SimdKernels
{
    /// <summary>Floats per padded row unit (64 bytes).</summary>
    public const int Lane = 16;

    public static int PaddedLength(int dimension) => (dimension + Lane - 1) / Lane * Lane;

    /// <summary>Dot product of two padded vectors of <paramref name="n"/> floats (n a multiple of 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float* a, float* b, int n)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int i = 0;
            for (; i + 64 <= n; i += 64)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 16), Vector512.Load(b + i + 16), s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 32), Vector512.Load(b + i + 32), s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 48), Vector512.Load(b + i + 48), s3);
            }
            for (; i < n; i += 16) s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), s0);
            return Vector512.Sum((s0 + s1) + (s2 + s3));
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int i = 0;
            for (; i + 32 <= n; i += 32)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 8), Vector256.Load(b + i + 8), s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 16), Vector256.Load(b + i + 16), s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 24), Vector256.Load(b + i + 24), s3);
            }
            for (; i < n; i += 8) s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), s0);
            return Vector256.Sum((s0 + s1) + (s2 + s3));
        }
        float s = 0;
        for (int i = 0; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Squared Euclidean distance of two padded vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float L2Squared(float* a, float* b, int n)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int i = 0;
            for (; i + 64 <= n; i += 64)
            {
                var d0 = Vector512.Load(a + i) - Vector512.Load(b + i);
                var d1 = Vector512.Load(a + i + 16) - Vector512.Load(b + i + 16);
                var d2 = Vector512.Load(a + i + 32) - Vector512.Load(b + i + 32);
                var d3 = Vector512.Load(a + i + 48) - Vector512.Load(b + i + 48);
                s0 = Vector512.FusedMultiplyAdd(d0, d0, s0);
                s1 = Vector512.FusedMultiplyAdd(d1, d1, s1);
                s2 = Vector512.FusedMultiplyAdd(d2, d2, s2);
                s3 = Vector512.FusedMultiplyAdd(d3, d3, s3);
            }
            for (; i < n; i += 16)
            {
                var d = Vector512.Load(a + i) - Vector512.Load(b + i);
                s0 = Vector512.FusedMultiplyAdd(d, d, s0);
            }
            return Vector512.Sum((s0 + s1) + (s2 + s3));
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s0 = default, s1 = default;
            for (int i = 0; i < n; i += 16)
            {
                var d0 = Vector256.Load(a + i) - Vector256.Load(b + i);
                var d1 = Vector256.Load(a + i + 8) - Vector256.Load(b + i + 8);
                s0 = Vector256.FusedMultiplyAdd(d0, d0, s0);
                s1 = Vector256.FusedMultiplyAdd(d1, d1, s1);
            }
            return Vector256.Sum(s0 + s1);
        }
        float s = 0;
        for (int i = 0; i < n; i++) { float d = a[i] - b[i]; s += d * d; }
        return s;
    }

    /// <summary>
    /// Dot products of 4 queries with 4 rows in one pass (16 accumulators, each operand loaded once per step):
    /// out[qi * 4 + ri] = q_qi · r_ri. Query and row pointers advance by their strides.
    /// </summary>
    public static void Dot4x4(float* q, int qStride, float* r, int rStride, int n, float* result)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            for (int qi = 0; qi < 4; qi++)
                for (int ri = 0; ri < 4; ri++)
                    result[qi * 4 + ri] = Dot(q + (long)qi * qStride, r + (long)ri * rStride, n);
            return;
        }
        float* q0 = q, q1 = q + qStride, q2 = q + 2L * qStride, q3 = q + 3L * qStride;
        float* r0 = r, r1 = r + rStride, r2 = r + 2L * rStride, r3 = r + 3L * rStride;
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int i = 0; i < n; i += 16)
        {
            var b0 = Vector512.Load(r0 + i);
            var b1 = Vector512.Load(r1 + i);
            var b2 = Vector512.Load(r2 + i);
            var b3 = Vector512.Load(r3 + i);
            var a = Vector512.Load(q0 + i);
            c00 = Vector512.FusedMultiplyAdd(a, b0, c00); c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(a, b2, c02); c03 = Vector512.FusedMultiplyAdd(a, b3, c03);
            a = Vector512.Load(q1 + i);
            c10 = Vector512.FusedMultiplyAdd(a, b0, c10); c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(a, b2, c12); c13 = Vector512.FusedMultiplyAdd(a, b3, c13);
            a = Vector512.Load(q2 + i);
            c20 = Vector512.FusedMultiplyAdd(a, b0, c20); c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            c22 = Vector512.FusedMultiplyAdd(a, b2, c22); c23 = Vector512.FusedMultiplyAdd(a, b3, c23);
            a = Vector512.Load(q3 + i);
            c30 = Vector512.FusedMultiplyAdd(a, b0, c30); c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
            c32 = Vector512.FusedMultiplyAdd(a, b2, c32); c33 = Vector512.FusedMultiplyAdd(a, b3, c33);
        }
        Store4(result, c00, c01, c02, c03);
        Store4(result + 4, c10, c11, c12, c13);
        Store4(result + 8, c20, c21, c22, c23);
        Store4(result + 12, c30, c31, c32, c33);
    }

    /// <summary>Horizontal sums of four accumulators, reduced together (fewer shuffles than four Sum calls).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* dst, Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        // 512 -> 256: add halves
        var a2 = a.GetLower() + a.GetUpper();
        var b2 = b.GetLower() + b.GetUpper();
        var c2 = c.GetLower() + c.GetUpper();
        var d2 = d.GetLower() + d.GetUpper();
        if (Avx.IsSupported)
        {
            // hadd pairs: [a01 a23 b01 b23 | a45 a67 b45 b67]
            var ab = Avx.HorizontalAdd(a2, b2);
            var cd = Avx.HorizontalAdd(c2, d2);
            var abcd = Avx.HorizontalAdd(ab, cd); // [a b c d | a' b' c' d']
            var sum = abcd.GetLower() + abcd.GetUpper();
            sum.Store(dst);
            return;
        }
        dst[0] = Vector256.Sum(a2); dst[1] = Vector256.Sum(b2); dst[2] = Vector256.Sum(c2); dst[3] = Vector256.Sum(d2);
    }

    /// <summary>Dot product of two int8 vectors (n a multiple of 64 bytes), exact in int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DotInt8(sbyte* a, sbyte* b, int n)
    {
        if (Avx512BW.IsSupported)
        {
            Vector512<int> s0 = default, s1 = default;
            for (int i = 0; i < n; i += 64)
            {
                var a0 = Avx512BW.ConvertToVector512Int16(Vector256.Load(a + i));
                var b0 = Avx512BW.ConvertToVector512Int16(Vector256.Load(b + i));
                var a1 = Avx512BW.ConvertToVector512Int16(Vector256.Load(a + i + 32));
                var b1 = Avx512BW.ConvertToVector512Int16(Vector256.Load(b + i + 32));
                s0 += Avx512BW.MultiplyAddAdjacent(a0, b0);
                s1 += Avx512BW.MultiplyAddAdjacent(a1, b1);
            }
            return Vector512.Sum(s0 + s1);
        }
        if (Avx2.IsSupported)
        {
            Vector256<int> s0 = default, s1 = default;
            for (int i = 0; i < n; i += 32)
            {
                var a0 = Avx2.ConvertToVector256Int16(Vector128.Load(a + i));
                var b0 = Avx2.ConvertToVector256Int16(Vector128.Load(b + i));
                var a1 = Avx2.ConvertToVector256Int16(Vector128.Load(a + i + 16));
                var b1 = Avx2.ConvertToVector256Int16(Vector128.Load(b + i + 16));
                s0 += Avx2.MultiplyAddAdjacent(a0, b0);
                s1 += Avx2.MultiplyAddAdjacent(a1, b1);
            }
            return Vector256.Sum(s0 + s1);
        }
        int s = 0;
        for (int i = 0; i < n; i++) s += a[i] * b[i];
        return s;
    }
}
