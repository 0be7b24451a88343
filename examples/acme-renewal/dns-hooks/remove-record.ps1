# DNS-01 "cleanUp" hook: removes the record add-record.ps1 made (the same JSON on stdin, with
# "action":"cleanup").
$record = [Console]::In.ReadToEnd() | ConvertFrom-Json
$relative = $record.name.Substring(0, $record.name.Length - $record.domain.Length - 1)
Remove-DnsServerResourceRecord -ZoneName $record.domain -RRType Txt -Name $relative -RecordData $record.value -Force -ErrorAction Stop
