using System.Buffers.Binary;
using System.Text;

namespace Seer.Training.Tests;

/// <summary>Reads the version needs (.gnu.version_r) of an ELF64 little-endian file, independently of the build task.</summary>
internal static class ElfVersionNeeds
{
    public static bool IsWeakOrAbsent(byte[] elf, string version)
    {
        var span = elf.AsSpan();
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        for (int i = 0; i < shnum; i++)
        {
            int sh = (int)(shoff + i * shentsize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(span[(sh + 4)..]) != 0x6ffffffe) continue;
            int need = (int)BinaryPrimitives.ReadUInt64LittleEndian(span[(sh + 0x18)..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(sh + 0x28)..]);
            int strtab = (int)BinaryPrimitives.ReadUInt64LittleEndian(span[(int)(shoff + link * shentsize + 0x18)..]);
            while (true)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (int a = 0; a < auxCount; a++)
                {
                    int nameOff = strtab + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]);
                    int end = span[nameOff..].IndexOf((byte)0);
                    if (Encoding.ASCII.GetString(span.Slice(nameOff, end)) == version)
                        return (BinaryPrimitives.ReadUInt16LittleEndian(span[(aux + 4)..]) & 0x2) != 0;
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                }
                int next = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
                if (next == 0) break;
                need += next;
            }
        }
        return true;
    }
}
