namespace InternalApi.Tests.Import;

/// <summary>The groups' <c>ip_restrictions</c> and <c>enforce_ssh_certificates</c> in the import.</summary>
[Collection("import")]
public sealed class GroupLimitsImportTests(ImportFixture fixture)
{
    private static string[] ProblemLines(string error) =>
        [.. error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Ip_Restrictions_Are_Stored_In_Canonical_Form_And_Reimport_Changes_Nothing()
    {
        var prefix = ImportFixture.NewPrefix();
        const string Json = """
        {
          "groups": [
            { "id": 1, "path": "acme", "enforce_ssh_certificates": true,
              "ip_restrictions": ["192.0.2.0/24", "192.0.2.77/24", "2001:DB8::/32", "198.51.100.7", "2001:db8:1::/48", "0.0.0.0/0"] },
            { "id": 2, "path": "acme/platform" },
            { "id": 3, "path": "open", "ip_restrictions": [], "enforce_ssh_certificates": false }
          ]
        }
        """;

        var (code, _, error) = await fixture.ImportAsync(Json, prefix);
        Assert.True(code == 0, error);
        var stores = fixture.Stores(prefix);
        var acme = (await stores.Namespaces.GetNamespaceAsync(1))!;
        Assert.Equal(["192.0.2.0/24", "2001:db8::/32", "198.51.100.7/32", "2001:db8:1::/48", "0.0.0.0/0"], acme.IpRestrictions);
        Assert.True(acme.EnforceSshCertificates);
        foreach (var id in new long[] { 2, 3 })
        {
            var group = (await stores.Namespaces.GetNamespaceAsync(id))!;
            Assert.Empty(group.IpRestrictions);
            Assert.False(group.EnforceSshCertificates);
        }

        var before = await fixture.SnapshotAsync(prefix);
        (code, _, error) = await fixture.ImportAsync(Json, prefix);
        Assert.True(code == 0, error);
        Assert.Equal(before, await fixture.SnapshotAsync(prefix));
    }

    [Fact]
    public async Task Bad_Ranges_And_Limits_On_Subgroups_Are_Reported_And_Nothing_Is_Written()
    {
        var prefix = ImportFixture.NewPrefix();
        const string Json = """
        {
          "groups": [
            { "id": 1, "path": "top", "ip_restrictions": ["192.0.2.0/33", "10.1", "010.0.0.1", "2001:db8::/129", "not-an-ip", "192.0.2.0/", "192.0.2.0/-1",
                                                        "fe80::1%eth0", "192.0.2.0/24/1", "", "192.0.2.0/0x18", "192.0.2.0/255.255.255.0", "192.0.2.0/24"] },
            { "id": 2, "path": "top/sub", "ip_restrictions": ["192.0.2.0/24"], "enforce_ssh_certificates": true },
            { "id": 3, "path": "other", "ip_restrictions": "192.0.2.0/24", "enforce_ssh_certificates": "yes" },
            { "id": 4, "path": "numbers", "ip_restrictions": [3221225984] }
          ]
        }
        """;
        var before = await fixture.SnapshotAsync(prefix);

        var (code, output, error) = await fixture.ImportAsync(Json, prefix);

        Assert.Equal((1, ""), (code, output));
        string[] expected =
        [
            "$.groups[0].ip_restrictions[0]: '192.0.2.0/33' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[1]: '10.1' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[2]: '010.0.0.1' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[3]: '2001:db8::/129' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[4]: 'not-an-ip' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[5]: '192.0.2.0/' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[6]: '192.0.2.0/-1' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[7]: 'fe80::1%eth0' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[8]: '192.0.2.0/24/1' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[9]: '' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[10]: '192.0.2.0/0x18' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[0].ip_restrictions[11]: '192.0.2.0/255.255.255.0' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)",
            "$.groups[1].enforce_ssh_certificates: can only be set on a top-level group",
            "$.groups[1].ip_restrictions: can only be set on a top-level group (its list covers every subgroup)",
            "$.groups[2].enforce_ssh_certificates: must be true or false",
            "$.groups[2].ip_restrictions: must be an array of strings",
            "$.groups[3].ip_restrictions: must be an array of strings",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), ProblemLines(error));
        Assert.Equal(before, await fixture.SnapshotAsync(prefix));
    }
}
