# DNS-01 "present" hook for an Active Directory DNS server. The provider writes the challenge on
# stdin as one JSON object ({"action":"present","type":"dns-01","domain":"contoso.com",
# "name":"_acme-challenge.contoso.com","value":"..."}), never on the command line. Assumes the
# zone is the SIP domain; runs where the DnsServer module is installed (RSAT or the DNS server).
$record = [Console]::In.ReadToEnd() | ConvertFrom-Json
$relative = $record.name.Substring(0, $record.name.Length - $record.domain.Length - 1)
Add-DnsServerResourceRecord -ZoneName $record.domain -Txt -Name $relative -DescriptiveText $record.value -TimeToLive (New-TimeSpan -Seconds 60) -ErrorAction Stop
