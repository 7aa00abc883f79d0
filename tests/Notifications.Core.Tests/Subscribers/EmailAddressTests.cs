using Notifications.Mail;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>Addresses are accepted as SendGrid accepts them, and every refusal says what is wrong and what to do.</summary>
public sealed class EmailAddressTests
{
    public static TheoryData<string, string> Accepted => new()
    {
        { "Jane.Smith@HMRC.example", "jane.smith@hmrc.example" },
        { "  a.dupont@douane.example ", "a.dupont@douane.example" },
        { "o'brien+digests@revenue.example", "o'brien+digests@revenue.example" },
        { "a&b=c@customs.example", "a&b=c@customs.example" },
        { "x_y-z@sub.customs.example", "x_y-z@sub.customs.example" },
        { "info@пример.рф", "info@xn--e1afmkfd.xn--p1ai" },
        { "k.mueller@münchen.example", "k.mueller@xn--mnchen-3ya.example" },
        { "info@xn--e1afmkfd.xn--p1ai", "info@xn--e1afmkfd.xn--p1ai" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void AcceptsWhatSendGridAccepts(string input, string normalized)
        => Assert.Equal(normalized, EmailAddress.Normalize(input));

    /// <summary>Input, then words the refusal must contain (what is wrong, what to do).</summary>
    public static TheoryData<string, string> Refused => new()
    {
        { "\"john doe\"@customs.example", "quoted part" },
        { "\"john\"@customs.example", "without quotes" },
        { "john@[192.0.2.1]", "IP address" },
        { "john@[IPv6:2001:db8::1]", "domain name" },
        { "john.@customs.example", "dot at the start or end" },
        { ".john@customs.example", "remove the extra dot" },
        { "jo..hn@customs.example", "two dots in a row" },
        { "john@customs.example.", "ends with a dot" },
        { "john@localhost", "no domain with a dot" },
        { "john@mail.localhost", "no domain with a dot" },
        { "john@customs", "give the full address" },
        { "\u0430lice@customs.example", "U+0430" },
        { "jöhn@customs.example", "non-ASCII character before the @" },
        { "jo\u200Bhn@customs.example", "invisible character (U+200B)" },
        { "john@cus\u200Dtoms.example", "U+200D" },
        { "john\u202E@customs.example", "U+202E" },
        { "\uFEFFjohn@customs.example", "type the address again" },
        { "jo\u00ADhn@customs.example", "U+00AD" },
        { "john@p\u0430ypal.example", "mixes scripts" },
        { "john@\u0430\u0440\u0440\u04CF\u0435.example", "imitates Latin letters" },
        { "jo(hn)@customs.example", "'('" },
        { "john doe@customs.example", "name@domain" },
        { "", "empty" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusesWhatSendGridRefusesOrWhatCouldPassForAnotherAddress(string input, string reason)
    {
        var e = Assert.Throws<InvalidEmailAddressException>(() => EmailAddress.Normalize(input));
        Assert.Equal("email", e.Field);
        Assert.Contains(reason, e.Message);
        // Never the address itself (it may be someone's), nor an invisible character, in the message.
        if (input.Trim().Length > 0)
            Assert.DoesNotContain(input.Trim(), e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(e.Message, c => c is '\u200B' or '\u200D' or '\u202E' or '\uFEFF' or '\u00AD');
    }

    [Fact]
    public void ALookAlikeOfAnAddressCannotBeAddedBesideIt()
    {
        Assert.Equal("alice@customs.example", EmailAddress.Normalize("alice@customs.example"));
        Assert.Throws<InvalidEmailAddressException>(() => EmailAddress.Normalize("\u0430lice@customs.example"));
        Assert.Throws<InvalidEmailAddressException>(() => EmailAddress.Normalize("alice@cust\u043Ems.example"));
    }
}
