"""A small invented newsroom for the readers' features: dated articles with a sapo, on close subjects.

Every name, place and figure here is made up for the tests. Two articles share a subject (bridges
in two provinces), so a question that only makes sense about one article can find the other.
"""

from __future__ import annotations

from pathlib import Path

ARTICLES = {
    "cau-song-lam.txt": """---
url: https://baotin.example.vn/giao-thong/cau-song-lam-thong-xe
date: 2026-12-05T09:30:00+07:00
author: Minh Khôi
---
Cầu Sông Lam thông xe sớm hai tháng so với kế hoạch

Sáng 5-12, tỉnh Hà Lâm khánh thành và thông xe cầu Sông Lam dài 820 mét, rút ngắn quãng đường từ trung tâm tỉnh sang huyện Bến Ngự còn 12 km.

Cầu Sông Lam có bốn làn xe, tổng vốn đầu tư 1.150 tỷ đồng từ ngân sách tỉnh. Liên danh Công ty Cầu đường Thái Sơn và Công ty Xây lắp Đông Hải là nhà thầu thi công từ tháng 3 năm 2024.

Theo Sở Giao thông vận tải tỉnh Hà Lâm, cầu hoàn thành sớm hai tháng nhờ nhà thầu tổ chức thi công ba ca mỗi ngày trong mùa khô.

Ảnh: Minh Khôi

Trước đây, người dân huyện Bến Ngự phải đi phà hoặc vòng qua quốc lộ 9 dài hơn 40 km để vào trung tâm tỉnh.

Ông Lê Văn Tường, Chủ tịch UBND tỉnh Hà Lâm, cho biết cây cầu sẽ giúp hàng nông sản của Bến Ngự đến cảng nhanh hơn và giảm chi phí vận chuyển.

Từ ngày 6-12, xe tải trên 30 tấn chưa được đi qua cầu cho đến khi hoàn tất đợt kiểm định tải trọng cuối cùng.
""",
    "cau-vuot-nam-dinh-phu.txt": """---
url: https://baotin.example.vn/giao-thong/cau-vuot-nam-dinh-phu-cham-tien-do
date: 2026-12-04T16:00:00+07:00
author: Thanh Tâm
---
Cầu vượt Nam Đình Phú chậm tiến độ vì vướng mặt bằng

Cầu vượt nút giao Nam Đình Phú ở thành phố Bảo Giang mới hoàn thành 60% khối lượng, chậm khoảng năm tháng vì còn 14 hộ dân chưa bàn giao mặt bằng.

Dự án dài 640 mét, tổng vốn 720 tỷ đồng, khởi công tháng 8 năm 2025 và dự kiến hoàn thành trong quý II năm 2027.

Ban Quản lý dự án giao thông thành phố Bảo Giang cho biết nhà thầu đã đúc xong 32 trên 48 dầm cầu, phần còn lại chờ mặt bằng phía nam.

Trong thời gian thi công, xe máy đi qua nút giao được phân luồng sang đường Trần Khắc Lâm, ô tô đi đường vành đai số 2.

UBND thành phố Bảo Giang yêu cầu hoàn tất bồi thường cho 14 hộ dân trước ngày 31-12.
""",
    "sot-xuat-huyet-tan-an.txt": """---
url: https://baotin.example.vn/y-te/sot-xuat-huyet-tan-an-tang
date: 2026-12-03
author: Ngọc Hân
---
Sốt xuất huyết ở Tân An tăng gấp đôi cùng kỳ năm trước

Tỉnh Tân An ghi nhận 2.340 ca sốt xuất huyết từ đầu năm, gấp đôi cùng kỳ năm trước, trong đó hai người tử vong.

Sở Y tế tỉnh Tân An cho biết số ca mắc tập trung ở thị xã Gò Mây và huyện Phú Lạc, nơi mật độ muỗi vằn cao sau mùa mưa.

Bệnh viện Đa khoa tỉnh Tân An đang điều trị 85 bệnh nhân, trong đó 9 người có dấu hiệu cảnh báo nặng.

Bác sĩ Trần Thu Lan, Giám đốc Trung tâm Kiểm soát bệnh tật tỉnh, khuyên người dân diệt lăng quăng, ngủ màn và đến cơ sở y tế khi sốt cao liên tục hai ngày.

Tỉnh đã phun hóa chất diệt muỗi tại 120 ổ dịch và huy động 3.000 tình nguyện viên đi từng nhà kiểm tra dụng cụ chứa nước.
""",
    "gia-xang-giam.txt": """---
url: https://baotin.example.vn/kinh-te/gia-xang-giam-lan-thu-ba
date: 2026-11-20
author: Quốc Bảo
---
Giá xăng giảm lần thứ ba liên tiếp

Từ 15 giờ ngày 20-11, giá xăng RON 95 giảm 420 đồng mỗi lít, còn 20.150 đồng, lần giảm thứ ba liên tiếp trong tháng.

Liên Bộ Công Thương và Tài chính cho biết giá xăng dầu thế giới giảm do nhu cầu yếu và nguồn cung dồi dào.

Giá dầu diesel giảm 380 đồng, còn 18.470 đồng mỗi lít. Giá dầu hỏa giảm 350 đồng.

Kỳ điều hành này, liên bộ không trích lập và không chi Quỹ bình ổn giá xăng dầu.

Các doanh nghiệp vận tải cho biết chưa giảm giá cước vì chi phí nhân công và phí đường bộ vẫn tăng.
""",
    "giai-chay-ha-lam.txt": """---
url: https://baotin.example.vn/the-thao/giai-chay-ha-lam
date: 2026-12-06T07:15:00+07:00
author: Đức Anh
---
Hơn 5.000 người chạy giải bán marathon Hà Lâm

Gió lạnh và mưa phùn không ngăn được dòng người đổ về quảng trường trung tâm lúc 4 giờ sáng.

Hơn 5.000 vận động viên từ 23 tỉnh thành tham gia giải bán marathon Hà Lâm lần thứ tư, với bốn cự ly 5 km, 10 km, 21 km và 42 km.

Vận động viên Phạm Gia Huy về nhất cự ly 42 km nam với thành tích 2 giờ 31 phút, phá kỷ lục giải.

Ban tổ chức trích 500 triệu đồng từ tiền đăng ký để xây hai điểm trường cho học sinh vùng cao huyện Bến Ngự.

Giải năm sau dự kiến tổ chức vào tháng 12 với lộ trình qua cầu Sông Lam mới thông xe.
""",
}


def write_articles(folder: Path, articles: dict[str, str] = ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
