"""werkzeug.datastructures - MultiDict (request.args, request.form) and Headers."""


class MultiDict(dict):
    """A dict of lists that reads as a dict of first values (request.args)."""

    def __init__(self, pairs=None):
        super().__init__()
        if isinstance(pairs, dict):
            pairs = pairs.items()
        for key, value in pairs or ():
            self.add(key, value)

    def add(self, key, value):
        dict.setdefault(self, key, []).append(value)

    def __getitem__(self, key):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)[0]
        from werkzeug.exceptions import BadRequestKeyError

        raise BadRequestKeyError(key)

    def __setitem__(self, key, value):
        dict.__setitem__(self, key, [value])

    def get(self, key, default=None, type=None):
        if not dict.__contains__(self, key):
            return default
        value = dict.__getitem__(self, key)[0]
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    def getlist(self, key, type=None):
        values = list(dict.get(self, key, []))
        if type is None:
            return values
        out = []
        for v in values:
            try:
                out.append(type(v))
            except (ValueError, TypeError):
                pass
        return out

    def items(self, multi=False):
        for key, values in dict.items(self):
            if multi:
                for v in values:
                    yield key, v
            else:
                yield key, values[0]

    def values(self):
        return [v[0] for v in dict.values(self)]

    def lists(self):
        return list(dict.items(self))

    def to_dict(self, flat=True):
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def copy(self):
        return MultiDict(self.items(multi=True))

    def __iter__(self):
        return iter(dict.keys(self))

    def __repr__(self):
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"


class ImmutableMultiDict(MultiDict):
    pass


class Headers:
    """Case-insensitive HTTP headers that keep their order and repeats."""

    def __init__(self, defaults=None):
        self._list = []
        if defaults is not None:
            self.extend(defaults)

    def extend(self, other):
        if isinstance(other, Headers):
            other = other._list
        elif isinstance(other, dict):
            other = other.items()
        for key, value in other:
            self.add(key, value)

    def add(self, key, value):
        self._list.append((str(key), str(value)))

    def set(self, key, value):
        lower = key.lower()
        for i, (k, _) in enumerate(self._list):
            if k.lower() == lower:
                self._list[i] = (str(key), str(value))
                self._list[i + 1:] = [(k2, v2) for k2, v2 in self._list[i + 1:] if k2.lower() != lower]
                return
        self._list.append((str(key), str(value)))

    __setitem__ = set

    def setdefault(self, key, default):
        if key in self:
            return self[key]
        self.set(key, default)
        return default

    def get(self, key, default=None, type=None):
        lower = key.lower()
        for k, v in self._list:
            if k.lower() == lower:
                if type is None:
                    return v
                try:
                    return type(v)
                except (ValueError, TypeError):
                    return default
        return default

    def getlist(self, key):
        lower = key.lower()
        return [v for k, v in self._list if k.lower() == lower]

    get_all = getlist

    def __getitem__(self, key):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __delitem__(self, key):
        lower = key.lower()
        self._list = [(k, v) for k, v in self._list if k.lower() != lower]

    def remove(self, key):
        del self[key]

    def pop(self, key, default=None):
        value = self.get(key, default)
        del self[key]
        return value

    def __contains__(self, key):
        return self.get(key) is not None

    def __iter__(self):
        return iter(self._list)

    def __len__(self):
        return len(self._list)

    def items(self, lower=False):
        return [(k.lower() if lower else k, v) for k, v in self._list]

    def keys(self):
        return [k for k, _ in self._list]

    def values(self):
        return [v for _, v in self._list]

    def to_wsgi_list(self):
        return list(self._list)

    def copy(self):
        return Headers(self._list)

    def __eq__(self, other):
        return isinstance(other, Headers) and self._list == other._list

    def __str__(self):
        return "".join(f"{k}: {v}\r\n" for k, v in self._list) + "\r\n"

    def __repr__(self):
        return f"{type(self).__name__}({self._list!r})"


class EnvironHeaders(Headers):
    def __init__(self, environ):
        pairs = []
        for key, value in environ.items():
            if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                pairs.append((key[5:].replace("_", "-").title(), value))
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
                pairs.append((key.replace("_", "-").title(), value))
        super().__init__(pairs)
