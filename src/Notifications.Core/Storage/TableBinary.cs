using System.IO.Compression;
using Azure.Data.Tables;

namespace Notifications.Storage;

/// <summary>
/// Binary data of any size in one table row: compressed, then split over properties <c>&lt;name&gt;0</c>, <c>&lt;name&gt;1</c>, ...
/// (a binary property holds at most 64 KiB; a row at most 1 MiB).
/// </summary>
public static class TableBinary
{
    private const int ChunkBytes = 60 * 1024;

    public static void Write(TableEntity entity, string name, byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        var packed = buffer.ToArray();
        var chunks = (packed.Length + ChunkBytes - 1) / ChunkBytes;
        if (chunks > 15)
            throw new InvalidOperationException($"{name} is {packed.Length:N0} bytes compressed: more than one table row holds.");
        entity[name + "Chunks"] = chunks;
        for (var i = 0; i < chunks; i++)
            entity[name + i] = packed.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, packed.Length - i * ChunkBytes)).ToArray();
    }

    /// <summary>The data written with <see cref="Write"/>; null when the row has none.</summary>
    public static byte[]? Read(TableEntity entity, string name)
    {
        if (entity.GetInt32(name + "Chunks") is not { } chunks) return null;
        using var packed = new MemoryStream();
        for (var i = 0; i < chunks; i++)
            packed.Write(entity.GetBinary(name + i) ?? []);
        packed.Position = 0;
        using var gzip = new GZipStream(packed, CompressionMode.Decompress);
        using var data = new MemoryStream();
        gzip.CopyTo(data);
        return data.ToArray();
    }

    /// <summary>Empties the data in place (for a merge that drops it): every chunk becomes empty and the count zero.</summary>
    public static void Clear(TableEntity entity, string name, int chunks)
    {
        entity[name + "Chunks"] = 0;
        for (var i = 0; i < chunks; i++)
            entity[name + i] = Array.Empty<byte>();
    }
}
