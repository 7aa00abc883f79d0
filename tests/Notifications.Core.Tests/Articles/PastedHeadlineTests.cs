using Notifications.Articles;

namespace Notifications.Core.Tests.Articles;

public sealed class PastedHeadlineTests
{
    [Theory]
    [InlineData(
        "The 239th/240th sessions of the Permanent Technical Committee (PTC) were held from 25 to 27 April 2023 in Brussels with online participation",
        "PTC held its 239th/240th sessions in Brussels")]
    [InlineData(
        "The 78th session of the Harmonized System Committee (HSC) of the World Customs Organization (WCO) was held from 9 to 13 November 2026 " +
            "in Brussels with online participation",
        "HSC held its 78th session in Brussels")]
    [InlineData(
        "239-я/240-я сессии Постоянного технического комитета (ПТК) Всемирной таможенной организации (ВТамО) прошли 25–27 апреля 2023 года в Брюсселе",
        "239-я/240-я сессии ПТК прошли в Брюсселе")]
    [InlineData(
        "Les 239e et 240e sessions du Comité technique permanent (CTP) de l'Organisation mondiale des douanes (OMD) se sont tenues " +
            "du 25 au 27 avril 2023 à Bruxelles et en ligne",
        "Les 239e et 240e sessions du CTP se sont tenues à Bruxelles")]
    public void ASentenceAboutASessionBecomesAHeadlineAboutTheEvent(string sentence, string headline)
        => Assert.Equal(headline, PastedHeadline.Shorten(sentence, 78));

    [Fact]
    public void AShortTitleIsKeptAsWritten()
        => Assert.Equal("Regional workshop on customs laboratories held in Almaty",
            PastedHeadline.Shorten("Regional workshop on customs laboratories held in Almaty", 78));

    [Fact]
    public void ALongSentenceWithNothingToLeaveOutIsCutAtAWordUnder120Characters()
    {
        var sentence = string.Join(' ', Enumerable.Repeat("Delegates reviewed the work programme of the regional offices", 4));

        var headline = PastedHeadline.Shorten(sentence, 78);

        Assert.True(headline.Length < 120, headline);
        Assert.EndsWith("…", headline);
        Assert.StartsWith(headline[..^1], sentence);
        Assert.Equal(' ', sentence[headline.Length - 1]);
    }

    [Fact]
    public void ANameIsReplacedByItsAbbreviationOnlyWhenItsWordsSpellIt()
    {
        var headline = PastedHeadline.Shorten(
            "Experts of the regional training centres met with the Customs Cooperation Council (CCC) and with the partners (UNCTAD) to discuss the next steps",
            78);
        Assert.Equal("Experts of the regional training centres met with the CCC and with the partners (UNCTAD) to discuss the next steps", headline);
    }
}
