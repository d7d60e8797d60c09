namespace Seer.Imaging;

/// <summary>
/// Walks the entropy-coded data of a baseline (Huffman, sequential) JPEG the way a decoder does, without the inverse
/// DCT: every block's DC and AC codes must be valid Huffman codes, coefficient runs must stay inside the block, each
/// scan must hold exactly the number of blocks the frame needs, restart markers must come where the restart
/// interval puts them, and no bytes may be left over before the next marker. These are the conditions under which
/// libjpeg prints "Corrupt JPEG data: ..." and still returns an image (OpenCV passes that image on as if it were
/// fine), so a file with a damaged middle is caught here. Progressive and arithmetic-coded files are not walked.
/// </summary>
public static class JpegEntropyCheck
{
    /// <summary>False with a reason when the entropy-coded data is damaged; true when whole (or not a baseline file).</summary>
    public static bool Check(ReadOnlySpan<byte> file, out string reason)
    {
        reason = "";
        try
        {
            return Walk(file, out reason);
        }
        catch (IndexOutOfRangeException)
        {
            reason = "corrupt JPEG data: the file ends inside a marker segment";
            return false;
        }
    }

    private sealed class Huffman
    {
        public readonly int[] MaxCode = new int[18];
        public readonly int[] ValOffset = new int[18];
        public byte[] Values = [];
    }

    private static bool Walk(ReadOnlySpan<byte> f, out string reason)
    {
        reason = "";
        if (f.Length < 4 || f[0] != 0xFF || f[1] != 0xD8) return true; // not JPEG: other checks report it
        var dc = new Huffman?[4];
        var ac = new Huffman?[4];
        int width = 0, height = 0, restart = 0, hmax = 1, vmax = 1;
        var comps = new List<(int Id, int H, int V)>();
        bool baseline = false;
        int pos = 2;
        while (pos + 2 <= f.Length)
        {
            if (f[pos] != 0xFF) { reason = $"corrupt JPEG data: expected a marker at byte {pos}"; return false; }
            byte marker = f[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker == 0xD9) return true; // EOI
            if (marker is >= 0xD0 and <= 0xD7 or 0x01) { pos += 2; continue; }
            if (pos + 4 > f.Length) break;
            int length = (f[pos + 2] << 8) | f[pos + 3];
            if (length < 2 || pos + 2 + length > f.Length) { reason = "corrupt JPEG data: a marker segment runs past the end of the file"; return false; }
            var seg = f.Slice(pos + 4, length - 2);
            switch (marker)
            {
                case 0xC0 or 0xC1:
                    baseline = true;
                    height = (seg[1] << 8) | seg[2];
                    width = (seg[3] << 8) | seg[4];
                    comps.Clear();
                    for (int i = 0; i < seg[5]; i++)
                    {
                        int hv = seg[7 + 3 * i];
                        comps.Add((seg[6 + 3 * i], hv >> 4, hv & 15));
                    }
                    hmax = Math.Max(1, comps.Max(c => c.H));
                    vmax = Math.Max(1, comps.Max(c => c.V));
                    break;
                case >= 0xC2 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC):
                    return true; // progressive, lossless or arithmetic: not walked here
                case 0xC4:
                {
                    int p = 0;
                    while (p < seg.Length)
                    {
                        int tc = seg[p] >> 4, th = seg[p] & 3;
                        var table = new Huffman();
                        int total = 0;
                        for (int l = 1; l <= 16; l++) total += seg[p + l];
                        table.Values = seg.Slice(p + 17, total).ToArray();
                        int code = 0, k = 0;
                        for (int l = 1; l <= 16; l++)
                        {
                            int n = seg[p + l];
                            table.ValOffset[l] = k - code;
                            code += n;
                            k += n;
                            table.MaxCode[l] = n > 0 ? code - 1 : -1;
                            code <<= 1;
                        }
                        table.MaxCode[17] = int.MaxValue;
                        (tc == 0 ? dc : ac)[th] = table;
                        p += 17 + total;
                    }
                    break;
                }
                case 0xDD:
                    restart = (seg[0] << 8) | seg[1];
                    break;
                case 0xDA:
                {
                    if (!baseline) return true;
                    int ns = seg[0];
                    var scan = new List<(int H, int V, Huffman Dc, Huffman Ac)>();
                    for (int i = 0; i < ns; i++)
                    {
                        int id = seg[1 + 2 * i], t = seg[2 + 2 * i];
                        var c = comps.FirstOrDefault(x => x.Id == id);
                        var d = dc[t >> 4];
                        var a = ac[t & 3];
                        if (c.Id != id || d is null || a is null) { reason = "corrupt JPEG data: a scan names an undefined component or table"; return false; }
                        scan.Add((c.H, c.V, d, a));
                    }
                    pos += 2 + length;
                    if (!Scan(f, ref pos, scan, width, height, hmax, vmax, restart, out reason)) return false;
                    continue;
                }
            }
            pos += 2 + length;
        }
        reason = "corrupt JPEG data: no end-of-image marker after the last scan";
        return false;
    }

    private ref struct Bits
    {
        private readonly ReadOnlySpan<byte> _f;
        public int Pos;
        private uint _acc;
        private int _count;
        public bool HitMarker;

        public Bits(ReadOnlySpan<byte> f, int pos)
        {
            _f = f;
            Pos = pos;
            _acc = 0;
            _count = 0;
            HitMarker = false;
        }

        public int Bit()
        {
            if (_count == 0)
            {
                if (HitMarker || Pos >= _f.Length) { HitMarker = true; return 0; }
                byte b = _f[Pos];
                if (b == 0xFF)
                {
                    byte next = Pos + 1 < _f.Length ? _f[Pos + 1] : (byte)0xD9;
                    if (next != 0x00) { HitMarker = true; return 0; }
                    Pos += 2;
                }
                else Pos++;
                _acc = b;
                _count = 8;
            }
            _count--;
            return (int)((_acc >> _count) & 1);
        }

        public int Take(int n)
        {
            int v = 0;
            for (int i = 0; i < n; i++) v = (v << 1) | Bit();
            return v;
        }

        public void Align() => _count = 0;
    }

    private static bool Scan(ReadOnlySpan<byte> f, ref int pos, List<(int H, int V, Huffman Dc, Huffman Ac)> scan,
        int width, int height, int hmax, int vmax, int restart, out string reason)
    {
        reason = "";
        long mcus;
        int perMcu;
        if (scan.Count == 1)
        {
            var c = scan[0];
            long cw = (width * (long)c.H + hmax - 1) / hmax, ch = (height * (long)c.V + vmax - 1) / vmax;
            mcus = ((cw + 7) / 8) * ((ch + 7) / 8);
            perMcu = 1;
        }
        else
        {
            mcus = ((width + 8L * hmax - 1) / (8 * hmax)) * ((height + 8L * vmax - 1) / (8 * vmax));
            perMcu = scan.Sum(c => c.H * c.V);
        }
        var bits = new Bits(f, pos);
        int expectRst = 0;
        for (long m = 0; m < mcus; m++)
        {
            if (restart > 0 && m > 0 && m % restart == 0)
            {
                bits.Align();
                int p = bits.Pos;
                if (p + 1 >= f.Length || f[p] != 0xFF || f[p + 1] != 0xD0 + expectRst)
                {
                    reason = $"corrupt JPEG data: restart marker {expectRst} missing before block row {m} (damaged data before byte {p})";
                    return false;
                }
                expectRst = (expectRst + 1) & 7;
                bits = new Bits(f, p + 2);
            }
            foreach (var c in scan)
            {
                int blocks = scan.Count == 1 ? 1 : c.H * c.V;
                for (int b = 0; b < blocks; b++)
                {
                    int s = Decode(ref bits, c.Dc);
                    if (s < 0 || s > 11) { reason = $"corrupt JPEG data: bad Huffman code in block {m} (near byte {bits.Pos})"; return false; }
                    bits.Take(s);
                    for (int k = 1; k < 64;)
                    {
                        int rs = Decode(ref bits, c.Ac);
                        if (rs < 0) { reason = $"corrupt JPEG data: bad Huffman code in block {m} (near byte {bits.Pos})"; return false; }
                        int r = rs >> 4, size = rs & 15;
                        if (size == 0)
                        {
                            if (r != 15) break;
                            k += 16;
                            continue;
                        }
                        k += r;
                        if (k > 63) { reason = $"corrupt JPEG data: coefficients run past the end of block {m} (near byte {bits.Pos})"; return false; }
                        bits.Take(size);
                        k++;
                    }
                    if (bits.HitMarker) { reason = $"corrupt JPEG data: premature end of the data segment at block {m} of {mcus * perMcu / Math.Max(1, perMcu)}"; return false; }
                }
            }
        }
        // After the last block: only padding bits, then the next marker. Leftover bytes mean the counts went wrong.
        bits.Align();
        int end = bits.Pos;
        if (end + 1 < f.Length && !(f[end] == 0xFF && f[end + 1] != 0x00))
        {
            int extra = 0;
            while (end + extra + 1 < f.Length && !(f[end + extra] == 0xFF && f[end + extra + 1] != 0x00)) extra++;
            reason = $"corrupt JPEG data: {extra} extraneous bytes after the last block of the scan";
            return false;
        }
        pos = end;
        return true;
    }

    private static int Decode(ref Bits bits, Huffman h)
    {
        int code = bits.Bit();
        int l = 1;
        while (code > h.MaxCode[l])
        {
            code = (code << 1) | bits.Bit();
            if (++l > 16) return -1;
        }
        int index = code + h.ValOffset[l];
        return index >= 0 && index < h.Values.Length ? h.Values[index] : -1;
    }
}
