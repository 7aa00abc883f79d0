using Notifications.Storage;

namespace Notifications.Core.Tests.Storage;

public sealed class TableKeyTests
{
    [Theory]
    [InlineData("plain.md")]
    [InlineData("2026/11/ptc-241.md")]
    [InlineData("odd#name?with\\every%thing\t.md")]
    [InlineData("заседание.md")]
    public void EncodedKeyIsValidAndDecodesBack(string name)
    {
        var key = TableKey.Encode(name);
        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.Equal(name, TableKey.Decode(key));
    }
}
