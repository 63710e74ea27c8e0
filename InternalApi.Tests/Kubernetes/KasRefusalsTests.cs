using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Functions.Kubernetes;

namespace InternalApi.Tests.Kubernetes;

/// <summary>
/// The edge's one mapping of the kas modules' refusals to GitLab's answers (the 403 and 404 are also seen over HTTP in
/// the Starboard and policy tests; the 402 only comes with an unlicensed instance).
/// </summary>
public sealed class KasRefusalsTests
{
    [Theory]
    [InlineData(KasRefusal.NotFound, null, 404, "404 Not Found")]
    [InlineData(KasRefusal.Forbidden, null, 403, "403 Forbidden")]
    [InlineData(KasRefusal.NotLicensed, null, 402, "Payment Required")]
    [InlineData(KasRefusal.Invalid, null, 400, "400 Bad request")]
    [InlineData(KasRefusal.Invalid, "Name can't be blank", 400, "Name can't be blank")]
    public void Each_Refusal_Is_Gitlabs_Status_And_Text(KasRefusal refusal, string? message, int status, string text)
    {
        var error = KasRefusals.Error(refusal, message);

        Assert.Equal(status, error.Status);
        Assert.Equal(["message"], error.Body.Select(p => p.Key));
        Assert.Equal(text, error.Body["message"]!.GetValue<string>());
    }
}
