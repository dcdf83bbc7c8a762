"""Word lists the span rules read: question function words, family names, titles, honorifics."""

from __future__ import annotations

from index.text import fold

# Function words of questions. Matched with accents when the question has them:
# folded, "đô" (capital) would collide with "do" and "An" (a place) with "an".
VI_STOPWORDS = frozenset(
    (
        "là ai gì nào bao nhiêu mấy khi giờ lúc đâu sao tại vì như thế có không chưa hả vậy nhỉ à "
        "của và các những một được cho với thì mà sẽ này ấy kia hay hoặc đã đang bị do ông bà anh chị theo"
    ).split()
)
EN_STOPWORDS = frozenset(
    (
        "who what which when where why how many much is are was were the of a an does do did in on at to "
        "for and or by with from as that this it its my your his her their"
    ).split()
)
FOLDED_STOPWORDS = frozenset(fold(w) for w in VI_STOPWORDS) | EN_STOPWORDS
# Either form, for words of a sentence matched accented or folded.
FUNCTION_WORDS = VI_STOPWORDS | FOLDED_STOPWORDS

# Honorifics before a name; stripped from a person's name in a question.
HONORIFICS = {"ong", "ba", "anh", "chi", "co", "chu", "bac", "em", "ngai", "mr", "mrs", "ms"}

# Common Vietnamese family names (folded): a name usually starts with one.
SURNAMES = set(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly lam trinh dinh mai to ta "
    "truong chau cao luu quach kieu thai doan ha vuong tang lai luong trieu diep khuc la lu tong thach "
    "kim quan van khong dong tieu".split()
)

# Capitalised first words of institutions and places, never of a person's name.
INSTITUTION_WORDS = set(
    "Quận Phường Thành Tỉnh Xã Huyện Ban Đảng Ủy Bộ Sở Công Trường Bệnh Viện Hội Nhà Trung Ngân Tổng Cục "
    "Báo Đài Sông Núi Đường Cầu Chợ Khu Làng Thôn Ấp Nghị Kết Chỉ Luật Quyết Thông Chương Dự Đại Học Cộng "
    "Liên Ủy Hợp Tập Công Việt Châu Biển Vịnh Đảo Miền Bắc Nam Tây Đông "
    "Phó Tổng Chủ Giám Bí Thủ Trưởng Giáo Tiến Phần Mùa Chương".split()
)

# First syllables of titles that sit before a name ("Bí thư ...", "Phó Chủ tịch ...").
TITLE_HEADS = (
    "bi thu", "pho bi thu", "chu tich", "pho chu tich", "giam doc", "pho giam doc", "truong", "pho truong",
    "tong bi thu", "thu tuong", "pho thu tuong", "bo truong", "thu truong", "chu nhiem", "pho chu nhiem",
    "tong giam doc", "chanh", "pho chanh", "uy vien", "dai su", "hieu truong", "vien truong", "tham phan",
    "dai tuong", "thuong tuong", "trung tuong", "thieu tuong", "dai ta", "thuong ta", "trung ta", "thieu ta",
    "dai uy", "giao su", "pho giao su", "tien si", "bac si", "nha bao", "dai bieu", "cuu", "nguyen",
    "lanh dao", "tong cuc truong", "cuc truong", "vu truong", "bi thu thuong truc", "chi huy truong",
    "president", "minister", "secretary", "director", "chairman",
)

# Words (lower case, with their diacritics: folded, "tỉnh" would be the "Tĩnh" of Hà Tĩnh) that make
# the words before a name no single person's title: plural markers ("các cán bộ") and what opens a
# clause rather than a noun phrase ("trong năm 2022", "theo", "tại").
GROUP_WORDS = frozenset("các những mọi nhiều trong năm ngày tháng theo tại sau trước khi với từ đến về ở".split())
# Administrative units that need their name after them: a title ending in one is incomplete ("chủ tịch phường").
PLACE_UNITS = frozenset("phường xã quận huyện tỉnh thôn ấp tổ khu tp tp.".split()
                        + ["thành phố", "thị trấn", "thị xã"])

# Syllables that, lower-cased, still belong to a proper noun ("Tỉnh ủy", "Huyện ủy").
LOWER_IN_NAMES = {"uy", "bo", "vu", "van", "dan", "hoa", "thanh"}

# How a message that is only a noun phrase about a person starts: a title ("chủ tịch UBND …",
# "tổng thống Pháp") or a relation ("vợ của …"). With accents: folded, "vợ" would be "võ".
PERSON_HEADS = frozenset(
    (
        "bí thư|phó bí thư|tổng bí thư|chủ tịch|phó chủ tịch|giám đốc|phó giám đốc|tổng giám đốc|thủ tướng|"
        "phó thủ tướng|bộ trưởng|thứ trưởng|tổng thống|phó tổng thống|chủ nhiệm|hiệu trưởng|viện trưởng|"
        "trưởng ban|trưởng phòng|trưởng đoàn|cục trưởng|vụ trưởng|chánh án|chánh văn phòng|đại sứ|nhà vua|vua|"
        "hoàng đế|nữ hoàng|thị trưởng|thống đốc|người sáng lập|người đứng đầu|người phát minh|người tìm ra|"
        "người sáng tác|tác giả|ca sĩ|diễn viên|nhà văn|nhà thơ|nhạc sĩ|nhạc sỹ|họa sĩ|huấn luyện viên|"
        "vận động viên|cầu thủ|đội trưởng|vị|vợ|chồng|con trai|con gái|cha|cha đẻ|mẹ|mẹ đẻ|bố|ông nội|bà nội|anh trai|"
        "em trai|chị gái|em gái|president|prime minister|ceo|director of|chairman of"
    ).split("|")
)
# Unaccented, one syllable is ambiguous ("vo": vợ, võ; "vua": vua, vừa): only longer heads count,
# and a relation followed by "của".
FOLDED_PERSON_HEADS = frozenset(fold(h) for h in PERSON_HEADS if " " in h) | frozenset(
    f"{fold(h)} cua" for h in PERSON_HEADS if " " not in h
)

# Countries, continents and large cities often written next to names: never a person (folded).
PLACE_NAMES = frozenset(
    (
        "viet nam|hoa ky|my|trung quoc|nhat ban|han quoc|trieu tien|hy lap|phap|anh|duc|nga|an do|y|"
        "tay ban nha|bo dao nha|ha lan|bi|thuy si|thuy sy|thuy dien|na uy|dan mach|phan lan|ba lan|ao|hung|"
        "ukraina|ai cap|israel|iran|iraq|tho nhi ky|thai lan|lao|campuchia|singapore|malaysia|indonesia|"
        "philippines|myanmar|uc|canada|mexico|brazil|argentina|chau au|chau a|chau phi|chau my|bac my|"
        "nam my|dong nam a|lien xo|la ma|ba tu|mong co|ha noi|sai gon|thanh pho ho chi minh|da nang|hue|"
        "london|paris|new york|tokyo|bac kinh|washington|moscow|bangkok|seoul|berlin"
    ).split("|")
)
