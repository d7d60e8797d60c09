// Compiled by MSBuild's RoslynCodeTaskFactory (see TorchSharpGlibcxx.targets); not part of Seer.Training.dll.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one version need (e.g. GLIBCXX_3.4.32) of ELF64 little-endian shared libraries weak: in the
/// SHT_GNU_verneed section, the Vernaux entry whose name equals <see cref="Version"/> gets VER_FLG_WEAK (0x2), so the
/// dynamic loader no longer refuses the library when the system libstdc++ lacks that version. Idempotent.
/// </summary>
public sealed class SeerMarkElfVersionWeak : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    [Required]
    public string Version { get; set; } = "";

    public override bool Execute()
    {
        foreach (ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                string result = Patch(path, Version);
                Log.LogMessage(MessageImportance.Low, "{0}: {1}", path, result);
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
            {
                Log.LogError("cannot mark {0} weak in {1}: {2}", Version, path, ex.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static string Patch(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a 64-bit little-endian ELF file");

        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A);
        int shnum = U16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
            long verneed = (long)U64(elf, sh + 0x18);
            uint link = U32(elf, sh + 0x28);
            uint count = U32(elf, sh + 0x2C);
            long strtab = (long)U64(elf, shoff + (long)link * shentsize + 0x18);

            long need = verneed;
            for (uint n = 0; n < count; n++)
            {
                int auxCount = U16(elf, need + 2);
                long aux = need + U32(elf, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = CString(elf, strtab + U32(elf, aux + 8));
                    if (name == version)
                    {
                        ushort flags = U16(elf, aux + 4);
                        if ((flags & VerFlgWeak) != 0) return version + " already weak";
                        WriteU16(elf, aux + 4, (ushort)(flags | VerFlgWeak));
                        WriteAtomically(path, elf);
                        return version + " marked weak";
                    }
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(elf, need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return version + " not needed";
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        DateTime stamp = File.GetLastWriteTimeUtc(path);
        string temp = path + ".seer-tmp";
        File.WriteAllBytes(temp, bytes);
        File.SetLastWriteTimeUtc(temp, stamp);
        File.Replace(temp, path, null);
    }

    private static ushort U16(byte[] b, long o) => (ushort)(b[o] | (b[o + 1] << 8));
    private static uint U32(byte[] b, long o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
    private static ulong U64(byte[] b, long o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);

    private static void WriteU16(byte[] b, long o, ushort v)
    {
        b[o] = (byte)v;
        b[o + 1] = (byte)(v >> 8);
    }

    private static string CString(byte[] b, long o)
    {
        long end = o;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
    }
}
