using System.IO.Compression;
using Azure.Data.Tables;

namespace Notifications.Storage;

/// <summary>
/// Binary data of any size in one table row: a format version byte, the data compressed, all split over properties
/// <c>&lt;name&gt;0</c>, <c>&lt;name&gt;1</c>, ... (a binary property holds at most 64 KiB; a row at most 1 MiB).
/// </summary>
/// <remarks>
/// The first byte says which layout of the data the row holds; its owner (the watermarks, the ledger) decides what each version
/// means and which it reads. Rows written before the version byte start with the gzip header (<c>1F 8B</c>, RFC 1952), which no
/// version byte equals (versions are 1 to 30): those rows are read as version 1, the layout they were written in.
/// </remarks>
public static class TableBinary
{
    private const int ChunkBytes = 60 * 1024;

    /// <summary>The first byte of every gzip stream: a row that starts with it was written before format versions.</summary>
    private const byte GzipFirstByte = 0x1F;

    /// <summary>The highest format version a row can carry (below <see cref="GzipFirstByte"/>, so that old rows stay apart).</summary>
    public const byte MaxFormat = GzipFirstByte - 1;

    public static void Write(TableEntity entity, string name, byte[] data, byte format)
    {
        if (format is 0 or > MaxFormat)
            throw new ArgumentOutOfRangeException(nameof(format), format, $"A format version is 1 to {MaxFormat}.");
        using var buffer = new MemoryStream();
        buffer.WriteByte(format);
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

    /// <summary>
    /// The data written with <see cref="Write"/> and its format version; null when the row has none. A row written before format
    /// versions is version 1.
    /// </summary>
    /// <param name="newestFormat">The newest version the caller reads (it reads 1 to this one).</param>
    /// <exception cref="UnknownFormatException">The row carries a version the caller does not read.</exception>
    public static VersionedData? Read(TableEntity entity, string name, byte newestFormat)
    {
        if (entity.GetInt32(name + "Chunks") is not { } chunks) return null;
        using var packed = new MemoryStream();
        for (var i = 0; i < chunks; i++)
            packed.Write(entity.GetBinary(name + i) ?? []);
        packed.Position = 0;
        byte format = 1;
        if (packed.Length > 0 && packed.GetBuffer()[0] != GzipFirstByte)
        {
            format = (byte)packed.ReadByte();
            if (format is 0 || format > newestFormat)
                throw new UnknownFormatException(entity, name, format, newestFormat);
        }
        using var gzip = new GZipStream(packed, CompressionMode.Decompress);
        using var data = new MemoryStream();
        gzip.CopyTo(data);
        return new VersionedData(format, data.ToArray());
    }

    /// <summary>Empties the data in place (for a merge that drops it): every chunk becomes empty and the count zero.</summary>
    public static void Clear(TableEntity entity, string name, int chunks)
    {
        entity[name + "Chunks"] = 0;
        for (var i = 0; i < chunks; i++)
            entity[name + i] = Array.Empty<byte>();
    }
}

/// <summary>Data read back by <see cref="TableBinary.Read"/>, with the version of the layout it was written in.</summary>
public sealed record VersionedData(byte Format, byte[] Data);

/// <summary>A table row carries binary data in a format version this code does not read.</summary>
public sealed class UnknownFormatException(TableEntity row, string name, byte format, byte newestFormat)
    : InvalidOperationException(
        $"The {name} data of table row (PartitionKey '{row.PartitionKey}', RowKey '{row.RowKey}') has format version {format}; " +
        $"this version of Notifications reads versions 1 to {newestFormat}. " +
        (format is 0 or > TableBinary.MaxFormat
            ? "The row is not data Notifications wrote (damaged, or written by hand): restore it from a backup or delete it."
            : "A newer version of Notifications wrote it: run that version (or a newer one) on this storage; do not edit or delete the row."));
