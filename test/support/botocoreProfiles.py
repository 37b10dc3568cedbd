"""Reads AWS config files as the AWS CLI does (botocore's configloader) and prints, per file, one JSON line:
{"profiles": {name: {key: value}}} with nested blocks left out, or {"error": "<class>"} where botocore refuses
the file. Usage: python3 botocoreProfiles.py FILE..."""
import json
import sys

import botocore.configloader
import botocore.exceptions

for path in sys.argv[1:]:
    try:
        profiles = botocore.configloader.load_config(path)["profiles"]
        plain = {name: {k: v for k, v in values.items() if isinstance(v, str)} for name, values in profiles.items()}
        print(json.dumps({"profiles": plain}))
    except botocore.exceptions.ConfigParseError as error:
        print(json.dumps({"error": type(error).__name__}))
