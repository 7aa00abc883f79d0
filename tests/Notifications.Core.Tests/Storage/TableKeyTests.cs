using Notifications.Storage;

namespace Notifications.Core.Tests.Storage;

public sealed class TableKeyTests
{
    [Theory]
    [InlineData("plain.md")]
    [InlineData("2026/11/ptc-241.md")]
    [InlineData("odd#name?with\\every%thing\t.md")]
    [InlineData("заседание.md")]
    public void EncodedKeyHasNoCharacterTablesForbid(string name)
        => Assert.DoesNotContain(TableKey.Encode(name), c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    [Fact]
    public void DistinctNamesGetDistinctKeys()
        => Assert.Equal(4, new[] { "a/b.md", "a%2Fb.md", "a%252Fb.md", "a#b.md" }.Select(TableKey.Encode).Distinct().Count());
}
