using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Notifications.Testing;

/// <summary>
/// Looks for text (ignoring case) everywhere in a test's storage on Azurite: every table (all partitions and properties; binary
/// properties also joined by name, <c>Addresses0</c>, <c>Addresses1</c>..., and decompressed when gzip, after a format version byte
/// or not), every blob and every queue message (also base64-decoded). Strings are also searched for in their JSON-escaped form.
/// </summary>
public static class StorageScan
{
    /// <summary>Where the needles occur: "table T, partition/row, property P: needle", one line per find.</summary>
    /// <param name="include">Which tables, containers and queues to read (by name): a test's own prefix.</param>
    public static async Task<IReadOnlyList<string>> FindAsync(string connectionString, Func<string, bool> include, IReadOnlyList<string> needles,
        CancellationToken ct)
    {
        var found = new List<string>();
        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync(cancellationToken: ct))
        {
            if (!include(table.Name)) continue;
            await foreach (var e in tables.GetTableClient(table.Name).QueryAsync<TableEntity>(cancellationToken: ct))
            {
                var where = $"table {table.Name}, {e.PartitionKey}/{e.RowKey}";
                foreach (var needle in needles)
                {
                    if (Contains(e.PartitionKey, needle) || Contains(e.RowKey, needle)) found.Add($"{where}, key: {needle}");
                    foreach (var (key, value) in e)
                        if (value is string s && Contains(s, needle)) found.Add($"{where}, {key}: {needle}");
                    foreach (var (name, bytes) in Binaries(e))
                        if (Contains(bytes, needle)) found.Add($"{where}, {name} (binary): {needle}");
                }
            }
        }

        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync(cancellationToken: ct))
        {
            if (!include(container.Name)) continue;
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync(cancellationToken: ct))
            {
                var bytes = Gunzipped((await client.GetBlobClient(blob.Name).DownloadContentAsync(ct)).Value.Content.ToArray());
                foreach (var needle in needles)
                    if (Contains(blob.Name, needle) || Contains(bytes, needle)) found.Add($"blob {container.Name}/{blob.Name}: {needle}");
            }
        }

        var queues = new QueueServiceClient(connectionString);
        await foreach (var queue in queues.GetQueuesAsync(cancellationToken: ct))
        {
            if (!include(queue.Name)) continue;
            foreach (var message in (await queues.GetQueueClient(queue.Name).PeekMessagesAsync(32, ct)).Value)
            {
                var text = message.Body.ToString();
                byte[] decoded = [];
                try { decoded = Convert.FromBase64String(text); } catch (FormatException) { }
                foreach (var needle in needles)
                    if (Contains(text, needle) || Contains(decoded, needle)) found.Add($"queue {queue.Name}, message {message.MessageId}: {needle}");
            }
        }
        return found;
    }

    /// <summary>The bytes, and after them their decompressed form when they are gzip (the search index's snapshot is).</summary>
    public static byte[] Gunzipped(byte[] bytes)
    {
        if (bytes is not [0x1f, 0x8b, ..]) return bytes;
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return [.. bytes, .. plain.ToArray()];
    }

    /// <summary>Each binary property, and the binary properties named &lt;name&gt;0, &lt;name&gt;1, ... joined (TableBinary).</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> Binaries(TableEntity e)
    {
        var binary = e.Where(p => p.Value is byte[]).Select(p => (p.Key, Bytes: (byte[])p.Value)).ToList();
        foreach (var p in binary) yield return (p.Key, p.Bytes);
        foreach (var group in binary.Where(p => char.IsAsciiDigit(p.Key[^1])).GroupBy(p => p.Key.TrimEnd("0123456789".ToCharArray())))
            yield return (group.Key + "*", group.OrderBy(p => int.Parse(p.Key[group.Key.Length..], System.Globalization.CultureInfo.InvariantCulture))
                .SelectMany(p => p.Bytes).ToArray());
    }

    private static bool Contains(string? text, string needle)
        => text is not null && (text.Contains(needle, StringComparison.OrdinalIgnoreCase)
                                || text.Contains(JsonSerializer.Serialize(needle)[1..^1], StringComparison.OrdinalIgnoreCase));

    private static bool Contains(byte[] bytes, string needle)
    {
        if (bytes.Length == 0) return false;
        if (Contains(Encoding.UTF8.GetString(bytes), needle) || Contains(Encoding.Unicode.GetString(bytes), needle)) return true;
        // gzip (1F 8B), or TableBinary's format version byte (1 to 30) and then gzip.
        var start = bytes switch { [0x1f, 0x8b, ..] => 0, [>= 1 and <= 30, 0x1f, 0x8b, ..] => 1, _ => -1 };
        if (start < 0) return false;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes, start, bytes.Length - start), CompressionMode.Decompress);
            using var data = new MemoryStream();
            gzip.CopyTo(data);
            return Contains(data.ToArray(), needle);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
